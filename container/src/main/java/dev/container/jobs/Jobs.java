package dev.container.jobs;

import dev.container.config.JobSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.listeners.TriggerListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container's scheduled jobs, on a Quartz scheduler of its own with the in-memory store
 * (nothing to install; the plan is the source of truth, so nothing needs to survive a restart).
 * Made by the composition root once the apps and listeners are up, {@link #update} with each
 * plan (jobs added, removed, changed; unchanged ones keep their schedule and history),
 * {@link #close} at shutdown, which interrupts running jobs and waits for them.
 *
 * <p>Misfires (a firing that could not start on time because the previous run was still going,
 * or the process was paused) are skipped, not made up in a burst: an {@code every} job goes on
 * with its next regular time, a cron job waits for its next time. Quartz starts only when the
 * first job is scheduled. A paused job ({@link #pause}) keeps its trigger, paused in Quartz: runs
 * by hand still happen, and a change of the job in the configuration (which replaces it) resumes
 * it. update, trigger, pause, resume and close are synchronized; status may be called from any
 * thread.
 */
public final class Jobs implements AutoCloseable, dev.container.Service {
    private static final Logger log = LoggerFactory.getLogger("container");
    private static final String GROUP = "container";
    /** Quartz keeps its schedulers in a JVM-wide registry by name: one name per instance. */
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Threads that run jobs: jobs beyond this many at one moment wait (and may be skipped as misfires). */
    static final int THREADS = 8;
    /** How late a firing may start before it counts as missed and is skipped. */
    static final long MISFIRE_THRESHOLD_MILLIS = 1000;

    private final JobContext context;
    private final RunListener runs;
    private final Map<String, ScheduledJob> jobs = new ConcurrentHashMap<>();
    private Scheduler scheduler;
    private boolean closed;

    public Jobs(JobContext context) {
        this(context, RunListener.NONE);
    }

    /** Jobs whose runs, and firings skipped as misfires, are told to runs. */
    public Jobs(JobContext context, RunListener runs) {
        this.context = context;
        this.runs = runs;
    }

    /** What an {@link #update} did, by job name. */
    public record Changes(List<String> added, List<String> removed, List<String> changed) {
        public Changes {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
            changed = List.copyOf(changed);
        }
    }

    /**
     * Makes the running jobs those of next: starts new ones, stops and removes those no longer
     * there, replaces changed ones (their history stays), leaves equal ones alone. A job that
     * cannot be scheduled is logged and left out; the others go on.
     */
    public synchronized Changes update(List<JobSpec> next) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        if (closed) {
            return new Changes(added, removed, changed);
        }
        Map<String, JobSpec> wanted = new LinkedHashMap<>();
        next.forEach(j -> wanted.put(j.name(), j));
        for (ScheduledJob running : List.copyOf(jobs.values())) {
            JobSpec spec = wanted.get(running.spec.name());
            if (spec == null) {
                unschedule(running);
                jobs.remove(running.spec.name());
                removed.add(running.spec.name());
                log.info("job {} removed", running.spec.name());
            }
        }
        for (JobSpec spec : wanted.values()) {
            ScheduledJob running = jobs.get(spec.name());
            if (running != null && running.spec.equals(spec)) {
                continue;
            }
            JobHistory history = running == null ? new JobHistory(spec.history()) : running.history.resized(spec.history());
            if (running != null) {
                unschedule(running);
            }
            ScheduledJob job = new ScheduledJob(spec, task(spec), history, runs);
            jobs.put(spec.name(), job);
            try {
                Date first = schedule(job);
                log.info("job {}: {}, {}; first at {}{}", spec.name(), spec.schedule().describe(), spec.action().describe(),
                        first.toInstant(), running == null ? "" : " (changed)");
                (running == null ? added : changed).add(spec.name());
            } catch (SchedulerException | RuntimeException e) {
                jobs.remove(spec.name());
                log.error("job {} not scheduled: {}", spec.name(), e.getMessage());
                if (running != null) {
                    removed.add(spec.name());
                }
            }
        }
        return new Changes(added, removed, changed);
    }

    private Task task(JobSpec spec) {
        if (spec.action() instanceof JobSpec.RunCommand c) {
            return new CommandTask(spec.name(), c, context);
        }
        if (spec.action() instanceof JobSpec.CallHttp h) {
            return new HttpTask(h, context);
        }
        return new ClassTask(spec.name(), (JobSpec.RunClass) spec.action(), context);
    }

    private Date schedule(ScheduledJob job) throws SchedulerException {
        JobDetail detail = JobBuilder.newJob(QuartzJob.class).withIdentity(job.spec.name(), GROUP).storeDurably().build();
        return scheduler().scheduleJob(detail, trigger(job.spec));
    }

    /** The Quartz trigger of a job's schedule, with the misfire policy that skips missed runs. */
    static Trigger trigger(JobSpec spec) {
        TriggerBuilder<Trigger> trigger = TriggerBuilder.newTrigger().withIdentity(spec.name(), GROUP);
        Trigger built;
        if (spec.schedule() instanceof JobSpec.Every every) {
            built = trigger
                    .startAt(Date.from(Instant.now().plus(every.delay())))
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                            .withIntervalInMilliseconds(every.interval().toMillis())
                            .repeatForever()
                            .withMisfireHandlingInstructionNextWithRemainingCount())
                    .build();
        } else {
            built = trigger
                    .withSchedule(CronScheduleBuilder.cronSchedule(((JobSpec.Cron) spec.schedule()).quartz())
                            .withMisfireHandlingInstructionDoNothing())
                    .build();
        }
        return built;
    }

    /** Stops the job's schedule and interrupts a run in progress (which records itself as interrupted). */
    private void unschedule(ScheduledJob job) {
        try {
            if (scheduler != null) {
                scheduler.interrupt(JobKey.jobKey(job.spec.name(), GROUP));
                scheduler.deleteJob(JobKey.jobKey(job.spec.name(), GROUP));
            }
        } catch (SchedulerException e) {
            log.warn("job {}: could not stop: {}", job.spec.name(), e.getMessage());
        }
        job.task.close();
    }

    /** Quartz, started at the first need: a plan without jobs costs no threads. */
    private Scheduler scheduler() throws SchedulerException {
        if (scheduler == null) {
            Properties p = new Properties();
            p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "container-jobs-" + INSTANCES.incrementAndGet());
            p.setProperty(StdSchedulerFactory.PROP_SCHED_MAKE_SCHEDULER_THREAD_DAEMON, "true");
            p.setProperty(StdSchedulerFactory.PROP_THREAD_POOL_CLASS, "org.quartz.simpl.SimpleThreadPool");
            p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(THREADS));
            p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
            p.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, "org.quartz.simpl.RAMJobStore");
            p.setProperty("org.quartz.jobStore.misfireThreshold", String.valueOf(MISFIRE_THRESHOLD_MILLIS));
            Scheduler s = new StdSchedulerFactory(p).getScheduler();
            s.setJobFactory((bundle, sched) -> {
                ScheduledJob job = jobs.get(bundle.getJobDetail().getKey().getName());
                if (job == null) {
                    throw new SchedulerException("job " + bundle.getJobDetail().getKey().getName() + " is gone");
                }
                return new QuartzJob(job);
            });
            s.getListenerManager().addTriggerListener(new TriggerListenerSupport() {
                @Override
                public String getName() {
                    return "container-misfires";
                }

                @Override
                public void triggerMisfired(Trigger trigger) {
                    runs.ran(trigger.getKey().getName(), JobRun.Result.SKIPPED, java.time.Duration.ZERO);
                }
            });
            s.start();
            scheduler = s;
        }
        return scheduler;
    }

    /**
     * Runs the job now, beside its schedule (after the current run, if one is going). False when
     * there is no such job.
     */
    public synchronized boolean trigger(String name) {
        if (closed || !jobs.containsKey(name) || scheduler == null) {
            return false;
        }
        try {
            JobDataMap data = new JobDataMap();
            data.put(QuartzJob.MANUAL, true);
            scheduler.triggerJob(JobKey.jobKey(name, GROUP), data);
            return true;
        } catch (SchedulerException e) {
            log.warn("job {}: could not run it now: {}", name, e.getMessage());
            return false;
        }
    }

    /**
     * Stops the job's schedule until {@link #resume} (a run going on finishes; runs by hand still
     * happen). False when there is no such job.
     */
    public synchronized boolean pause(String name) {
        return pausing(name, true);
    }

    /** Puts the job back on its schedule; runs missed while paused are skipped. False when there is no such job. */
    public synchronized boolean resume(String name) {
        return pausing(name, false);
    }

    private boolean pausing(String name, boolean pause) {
        if (closed || !jobs.containsKey(name) || scheduler == null) {
            return false;
        }
        try {
            if (pause) {
                scheduler.pauseJob(JobKey.jobKey(name, GROUP));
            } else {
                scheduler.resumeJob(JobKey.jobKey(name, GROUP));
            }
            log.info("job {} {}", name, pause ? "paused" : "resumed");
            return true;
        } catch (SchedulerException e) {
            log.warn("job {}: could not {} it: {}", name, pause ? "pause" : "resume", e.getMessage());
            return false;
        }
    }

    /** Every job with its next firing and latest runs, in name order. */
    public List<JobStatus> status() {
        List<JobStatus> result = new ArrayList<>();
        jobs.values().stream().sorted(java.util.Comparator.comparing(j -> j.spec.name())).forEach(job ->
                result.add(new JobStatus(job.spec.name(), job.spec.schedule().describe(), job.spec.action().describe(),
                        job.running(), paused(job.spec.name()), nextFire(job.spec.name()), job.history.runs())));
        return result;
    }

    private boolean paused(String name) {
        Scheduler s = scheduler;
        try {
            return s != null && s.getTriggerState(TriggerKey.triggerKey(name, GROUP)) == Trigger.TriggerState.PAUSED;
        } catch (SchedulerException e) {
            return false;
        }
    }

    /** One job's status, if there is such a job. */
    public Optional<JobStatus> status(String name) {
        return status().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    private Optional<Instant> nextFire(String name) {
        Scheduler s = scheduler;
        if (s == null) {
            return Optional.empty();
        }
        try {
            Trigger t = s.getTrigger(TriggerKey.triggerKey(name, GROUP));
            return t == null || t.getNextFireTime() == null ? Optional.empty() : Optional.of(t.getNextFireTime().toInstant());
        } catch (SchedulerException e) {
            return Optional.empty();
        }
    }

    @Override
    public String name() {
        return "jobs";
    }

    /** Nothing yet: the scheduler (and its threads) starts with the first job {@link #update} schedules. */
    @Override
    public void start() {
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public String describe() {
        List<JobStatus> all = status();
        long paused = all.stream().filter(JobStatus::paused).count();
        return all.size() + " job(s) scheduled" + (paused == 0 ? "" : ", " + paused + " paused");
    }

    /** Stops scheduling, interrupts running jobs (commands are killed) and waits for them to end. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (scheduler == null) {
            return;
        }
        try {
            scheduler.standby();
            for (ScheduledJob job : jobs.values()) {
                scheduler.interrupt(JobKey.jobKey(job.spec.name(), GROUP));
            }
            scheduler.shutdown(true);
        } catch (SchedulerException e) {
            log.warn("jobs: stopping the scheduler: {}", e.getMessage());
        }
        jobs.values().forEach(j -> j.task.close());
    }
}
