package dev.container.jobs;

import dev.container.config.JobSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.quartz.CronScheduleBuilder;
import org.quartz.Job;
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
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.listeners.SchedulerListenerSupport;
import org.quartz.listeners.TriggerListenerSupport;
import org.quartz.spi.TriggerFiredBundle;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container's scheduled jobs, on a Quartz scheduler of its own. On one machine it keeps them
 * in Quartz's in-memory store (nothing to install; the plan is the source of truth, so nothing
 * needs to survive a restart). As a node of a cluster ({@link JobCluster}, with
 * {@code storage { type = postgres }}) it uses Quartz's clustered JDBC store in the shared
 * database instead: each firing runs on one node, a dead node's work is taken over by another
 * after Quartz's check-in interval (and a run it was in the middle of is run again), and the runs
 * of every node are recorded in the database ({@link RunTable}), so that any node's status shows
 * them. Made by the composition root once the apps and listeners are up, {@link #update} with each
 * plan (jobs added, removed, changed; unchanged ones keep their schedule and history),
 * {@link #close} at shutdown, which interrupts running jobs and waits for them.
 *
 * <p>In a cluster the job definitions live in the database: each node's start and reload write
 * its plan's jobs there, replacing only those that differ (so nodes starting with one
 * configuration leave each other's schedule alone) and removing those its plan lacks. Every node
 * runs the definition the database holds, whoever wrote it. While the database is unreachable no
 * firing starts; the log says so once ({@link StoreOutage}) and the jobs go on by themselves when
 * it is back.
 *
 * <p>Misfires (a firing that could not start on time because the previous run was still going,
 * or the process was paused, or the database away) are skipped, not made up in a burst: an
 * {@code every} job goes on with its next regular time, a cron job waits for its next time. On one
 * machine Quartz starts only when the first job is scheduled. A paused job ({@link #pause}) keeps
 * its trigger, paused in Quartz (in a cluster: for every node): runs by hand still happen, and a
 * change of the job in the configuration (which replaces it) resumes it. update, trigger, pause,
 * resume and close are synchronized; status may be called from any thread.
 */
public final class Jobs implements AutoCloseable, dev.container.Service {
    private static final Logger log = LoggerFactory.getLogger("container");
    private static final String GROUP = "container";
    /**
     * The scheduler name of every node of a cluster: Quartz's SCHED_NAME in its tables, which
     * makes the nodes one cluster.
     */
    static final String CLUSTER = "container";
    /** Quartz's tables in a cluster's database (migration V2): Quartz's own, named like the container's other tables. */
    static final String TABLE_PREFIX = "CONTAINER_QRTZ_";
    /** Quartz keeps its schedulers in a JVM-wide registry by name: one name per instance. */
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Threads that run jobs: jobs beyond this many at one moment wait (and may be skipped as misfires). */
    static final int THREADS = 8;
    /** How late a firing may start before it counts as missed and is skipped. */
    static final long MISFIRE_THRESHOLD_MILLIS = 1000;
    /** How soon Quartz tries its database again after a failure (its default is 15 s). */
    static final long DATABASE_RETRY_MILLIS = 2000;

    private final JobContext context;
    private final RunListener runs;
    /** This node's jobs as they run, by name: the plan's, and in a cluster those the database defines. */
    private final Map<String, ScheduledJob> jobs = new ConcurrentHashMap<>();
    /** The jobs of the last plan given to {@link #update}, by name. */
    private final Map<String, JobSpec> planned = new LinkedHashMap<>();
    /** Empty on one machine. */
    private final Optional<Node> node;
    private Scheduler scheduler;
    private boolean closed;

    public Jobs(JobContext context) {
        this(context, RunListener.NONE);
    }

    /** Jobs of one machine whose runs, and firings skipped as misfires, are told to runs. */
    public Jobs(JobContext context, RunListener runs) {
        this(context, runs, Optional.empty());
    }

    /** Jobs as a node of cluster when it is present, else of one machine. */
    public Jobs(JobContext context, RunListener runs, Optional<JobCluster> cluster) {
        this.context = context;
        this.runs = runs;
        this.node = cluster.map(Node::new);
    }

    /** What a cluster node holds besides the scheduler: its database, its run table, its outage watch. */
    private static final class Node implements ScheduledJob.Recorder {
        final JobCluster cluster;
        final RunTable table;
        final StoreOutage outage;
        /** Quartz's name for the storage's pool, in its JVM-wide connection manager. */
        final String provider = "container-jobs-" + INSTANCES.incrementAndGet();
        /** Set by {@link #halt}: nothing more is written, as after a kill. */
        volatile boolean halted;
        /** What the last status read from the database said, for while it is away. */
        volatile List<JobStatus> lastStatus = List.of();

        Node(JobCluster cluster) {
            this.cluster = cluster;
            this.table = new RunTable(cluster.dataSource(), cluster.node(), CLUSTER);
            this.outage = new StoreOutage(cluster.dataSource(), cluster.node());
        }

        @Override
        public Optional<String> node() {
            return Optional.of(cluster.node());
        }

        @Override
        public Object started(JobSpec spec, Instant start, boolean manual, Instant scheduled, boolean recovered) {
            if (halted) {
                return Optional.empty();
            }
            try {
                return Optional.of(table.started(spec.name(), start, manual, scheduled, recovered));
            } catch (SQLException | RuntimeException e) {
                failed("job " + spec.name() + ": cannot record the start of its run", e);
                return Optional.empty();
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public void ended(JobSpec spec, Object started, JobRun run, Instant scheduled, boolean recovered) {
            if (halted) {
                return;
            }
            try {
                table.ended((Optional<Long>) started, spec.name(), run, scheduled, recovered, spec.history());
            } catch (SQLException | RuntimeException e) {
                failed("job " + spec.name() + ": its run is missing from the cluster's history", e);
            }
        }

        /** A database failure: an outage is said once; anything else, each time. */
        void failed(String what, Exception e) {
            if (!outage.failed(e)) {
                log.warn("{}: {}", what, e.getMessage());
            }
        }
    }

    /** Lends the storage's pool to Quartz, which must neither make a pool of its own nor close this one. */
    private record Pool(javax.sql.DataSource db) implements ConnectionProvider {
        @Override
        public Connection getConnection() throws SQLException {
            return db.getConnection();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void initialize() {
        }
    }

    /** In the connection manager after a node stopped: no connection, and no reference to the pool kept. */
    private static final ConnectionProvider STOPPED = new ConnectionProvider() {
        @Override
        public Connection getConnection() throws SQLException {
            throw new SQLException("the jobs of this node have stopped", "08003");
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void initialize() {
        }
    };

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
     * cannot be scheduled is logged and left out; the others go on. In a cluster this makes the
     * cluster's jobs those of next.
     */
    public synchronized Changes update(List<JobSpec> next) {
        if (closed) {
            return new Changes(List.of(), List.of(), List.of());
        }
        return node.isPresent() ? updateCluster(next) : updateLocal(next);
    }

    private Changes updateLocal(List<JobSpec> next) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
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
        planned.clear();
        wanted.forEach(planned::put);
        return new Changes(added, removed, changed);
    }

    /**
     * The cluster's jobs made those of next, in the database: a job whose stored definition equals
     * its spec keeps its trigger (and so its next firing); one that differs, or is missing, is
     * written with a new trigger; one that next lacks is deleted. Changes are reported against
     * this node's previous plan.
     */
    private Changes updateCluster(List<JobSpec> next) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        Map<String, JobSpec> wanted = new LinkedHashMap<>();
        next.forEach(j -> wanted.put(j.name(), j));
        Scheduler s;
        Set<JobKey> stored;
        try {
            s = scheduler();
            stored = s.getJobKeys(GroupMatcher.jobGroupEquals(GROUP));
        } catch (SchedulerException e) {
            log.error("jobs: cannot read the cluster's jobs, so none were changed: {}", e.getMessage());
            node.get().outage.failed(e);
            return new Changes(added, removed, changed);
        }
        for (JobKey key : stored) {
            if (!wanted.containsKey(key.getName())) {
                try {
                    s.interrupt(key);
                    s.deleteJob(key);
                    log.info("job {} removed{}", key.getName(),
                            planned.containsKey(key.getName()) ? "" : " (not in this node's configuration)");
                } catch (SchedulerException e) {
                    log.warn("job {}: could not remove it: {}", key.getName(), e.getMessage());
                }
                forget(key.getName());
            }
        }
        for (String name : planned.keySet()) {
            if (!wanted.containsKey(name)) {
                removed.add(name);
            }
        }
        for (JobSpec spec : wanted.values()) {
            JobSpec before = planned.get(spec.name());
            if (before != null && !before.equals(spec)) {
                changed.add(spec.name());
            } else if (before == null) {
                added.add(spec.name());
            }
            String definition = JobDefinition.encode(spec);
            JobKey key = JobKey.jobKey(spec.name(), GROUP);
            try {
                JobDetail current = s.getJobDetail(key);
                Trigger trigger = s.getTrigger(TriggerKey.triggerKey(spec.name(), GROUP));
                String written = current == null ? null : current.getJobDataMap().getString(JobDefinition.KEY);
                if (trigger != null && definition.equals(written)) {
                    if (before == null) {
                        log.info("job {}: {}, {}; next at {} (as the cluster has it)", spec.name(), spec.schedule().describe(),
                                spec.action().describe(), next(trigger));
                    }
                    continue;
                }
                if (current != null) {
                    s.interrupt(key); // a run here of the old definition; other nodes' runs end by themselves
                }
                Trigger first = trigger(spec);
                s.scheduleJob(detail(spec, definition), Set.of(first), true);
                log.info("job {}: {}, {}; first at {}{}", spec.name(), spec.schedule().describe(), spec.action().describe(),
                        first.getStartTime().toInstant(), current == null ? "" : " (changed for the cluster)");
            } catch (SchedulerException | RuntimeException e) {
                log.error("job {} not scheduled: {}", spec.name(), e.getMessage());
                node.get().outage.failed(e);
                added.remove(spec.name());
                changed.remove(spec.name());
                if (before != null) {
                    removed.add(spec.name());
                }
            }
        }
        planned.clear();
        wanted.forEach(planned::put);
        return new Changes(added, removed, changed);
    }

    private static String next(Trigger trigger) {
        return trigger.getNextFireTime() == null ? "(none)" : trigger.getNextFireTime().toInstant().toString();
    }

    /** Drops this node's copy of a job the cluster no longer has. */
    private void forget(String name) {
        ScheduledJob gone = jobs.remove(name);
        if (gone != null && !gone.running()) {
            gone.task.close();
        }
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

    /**
     * A cluster's Quartz job: the definition in its data, and a request to be run again on another
     * node when the node running it dies (a cut-short run is repeated rather than lost).
     */
    private static JobDetail detail(JobSpec spec, String definition) {
        return JobBuilder.newJob(QuartzJob.class).withIdentity(spec.name(), GROUP).storeDurably().requestRecovery()
                .usingJobData(JobDefinition.KEY, definition).build();
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

    /** Quartz, started at the first need: a plan without jobs costs no threads (on one machine). */
    private Scheduler scheduler() throws SchedulerException {
        if (scheduler == null) {
            Properties p = new Properties();
            p.setProperty(StdSchedulerFactory.PROP_SCHED_MAKE_SCHEDULER_THREAD_DAEMON, "true");
            p.setProperty(StdSchedulerFactory.PROP_THREAD_POOL_CLASS, "org.quartz.simpl.SimpleThreadPool");
            p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(THREADS));
            p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
            p.setProperty("org.quartz.jobStore.misfireThreshold", String.valueOf(MISFIRE_THRESHOLD_MILLIS));
            Scheduler s;
            if (node.isEmpty()) {
                p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "container-jobs-" + INSTANCES.incrementAndGet());
                p.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, "org.quartz.simpl.RAMJobStore");
                s = new StdSchedulerFactory(p).getScheduler();
                s.setJobFactory((bundle, sched) -> {
                    ScheduledJob job = jobs.get(bundle.getJobDetail().getKey().getName());
                    if (job == null) {
                        throw new SchedulerException("job " + bundle.getJobDetail().getKey().getName() + " is gone");
                    }
                    return new QuartzJob(job);
                });
            } else {
                s = clusterScheduler(p, node.get());
                s.setJobFactory((bundle, sched) -> clusterJob(bundle));
            }
            s.getListenerManager().addTriggerListener(new TriggerListenerSupport() {
                @Override
                public String getName() {
                    return "container-misfires";
                }

                @Override
                public void triggerMisfired(Trigger trigger) {
                    runs.ran(trigger.getJobKey().getName(), JobRun.Result.SKIPPED, java.time.Duration.ZERO);
                }
            });
            s.start();
            scheduler = s;
        }
        return scheduler;
    }

    /**
     * Quartz's clustered JDBC store over the storage's pool (lent through the connection manager,
     * under a name of this instance's). Every node's scheduler has the cluster's name; Quartz's
     * JVM-wide registry would hand a second node in one JVM (tests) the first one's scheduler, so
     * this one is taken out of it at once: nothing here looks schedulers up by name.
     */
    private Scheduler clusterScheduler(Properties p, Node n) throws SchedulerException {
        DBConnectionManager.getInstance().addConnectionProvider(n.provider, new Pool(n.cluster.dataSource()));
        p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, CLUSTER);
        p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, n.cluster.node());
        p.setProperty("org.quartz.scheduler.dbFailureRetryInterval", String.valueOf(DATABASE_RETRY_MILLIS));
        p.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", n.provider);
        p.setProperty("org.quartz.jobStore.tablePrefix", TABLE_PREFIX);
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(n.cluster.checkIn().toMillis()));
        // the job data holds strings only (the definition, the run-by-hand mark): no Java serialization in the database
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        QuartzOutageFilter.install();
        Scheduler s;
        synchronized (Jobs.class) {
            s = new StdSchedulerFactory(p).getScheduler();
            SchedulerRepository.getInstance().remove(CLUSTER);
        }
        s.getListenerManager().addSchedulerListener(new SchedulerListenerSupport() {
            @Override
            public void schedulerError(String msg, SchedulerException cause) {
                n.outage.failed(cause);
            }
        });
        return s;
    }

    /**
     * The job a firing in the cluster runs: the definition the database holds for it (this node's
     * copy, made anew when the definition changed). A definition this node cannot read (a newer
     * container's) fires a job that only says so.
     */
    private Job clusterJob(TriggerFiredBundle bundle) {
        String name = bundle.getJobDetail().getKey().getName();
        String definition = bundle.getJobDetail().getJobDataMap().getString(JobDefinition.KEY);
        JobSpec spec;
        try {
            spec = JobDefinition.decode(definition == null ? "" : definition);
        } catch (IllegalArgumentException e) {
            return context -> log.warn("job {}: this node cannot run it: {}", name, e.getMessage());
        }
        ScheduledJob job = jobs.compute(name, (n, old) -> {
            if (old != null && old.spec.equals(spec)) {
                return old;
            }
            if (old != null && !old.running()) {
                old.task.close();
            }
            JobHistory history = old == null ? new JobHistory(spec.history()) : old.history.resized(spec.history());
            return new ScheduledJob(spec, task(spec), history, node.get(), runs);
        });
        return new QuartzJob(job);
    }

    /**
     * Runs the job now, beside its schedule (after the current run, if one is going; in a cluster,
     * on whichever node takes it). False when there is no such job.
     */
    public synchronized boolean trigger(String name) {
        if (!exists(name)) {
            return false;
        }
        try {
            JobDataMap data = new JobDataMap();
            data.put(QuartzJob.MANUAL, "true");
            scheduler.triggerJob(JobKey.jobKey(name, GROUP), data);
            return true;
        } catch (SchedulerException e) {
            log.warn("job {}: could not run it now: {}", name, e.getMessage());
            return false;
        }
    }

    /** Whether there is such a job: in this node's plan on one machine, in the database in a cluster. */
    private boolean exists(String name) {
        if (closed || scheduler == null) {
            return false;
        }
        if (node.isEmpty()) {
            return jobs.containsKey(name);
        }
        try {
            return scheduler.checkExists(JobKey.jobKey(name, GROUP));
        } catch (SchedulerException e) {
            node.get().outage.failed(e);
            return false;
        }
    }

    /**
     * Stops the job's schedule until {@link #resume} (a run going on finishes; runs by hand still
     * happen; in a cluster, on every node). False when there is no such job.
     */
    public synchronized boolean pause(String name) {
        return pausing(name, true);
    }

    /** Puts the job back on its schedule; runs missed while paused are skipped. False when there is no such job. */
    public synchronized boolean resume(String name) {
        return pausing(name, false);
    }

    private boolean pausing(String name, boolean pause) {
        if (!exists(name)) {
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

    /**
     * Every job with its next firing and latest runs, in name order. In a cluster: the cluster's
     * jobs and every node's runs, read from the database; while it is unreachable, what the last
     * read said (or this node's plan and its own runs).
     */
    public List<JobStatus> status() {
        if (node.isPresent()) {
            return clusterStatus(node.get());
        }
        List<JobStatus> result = new ArrayList<>();
        jobs.values().stream().sorted(Comparator.comparing(j -> j.spec.name())).forEach(job ->
                result.add(new JobStatus(job.spec.name(), job.spec.schedule().describe(), job.spec.action().describe(),
                        job.running(), paused(job.spec.name()), nextFire(job.spec.name()), job.history.runs())));
        return result;
    }

    private List<JobStatus> clusterStatus(Node n) {
        Scheduler s = scheduler;
        if (s == null || n.outage.down() || n.halted) {
            return offline(n);
        }
        try {
            Map<String, JobSpec> specs = new HashMap<>();
            for (JobKey key : s.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
                JobDetail detail = s.getJobDetail(key);
                String definition = detail == null ? null : detail.getJobDataMap().getString(JobDefinition.KEY);
                try {
                    if (definition != null) {
                        specs.put(key.getName(), JobDefinition.decode(definition));
                    }
                } catch (IllegalArgumentException e) {
                    // another version's job: listed by the nodes that can read it
                }
            }
            Map<String, Integer> limits = new HashMap<>();
            specs.values().forEach(spec -> limits.put(spec.name(), spec.history()));
            Map<String, List<JobRun>> history = n.table.runs(limits);
            Map<String, String> running = n.table.running();
            List<JobStatus> result = new ArrayList<>();
            specs.values().stream().sorted(Comparator.comparing(JobSpec::name)).forEach(spec ->
                    result.add(new JobStatus(spec.name(), spec.schedule().describe(), spec.action().describe(),
                            running.containsKey(spec.name()), paused(spec.name()), nextFire(spec.name()),
                            history.getOrDefault(spec.name(), List.of()))));
            n.lastStatus = List.copyOf(result);
            return result;
        } catch (SchedulerException | SQLException | RuntimeException e) {
            n.failed("jobs: cannot read the cluster's jobs", e);
            return offline(n);
        }
    }

    /** A cluster node's status without its database: the last one read, else its plan and its own runs. */
    private List<JobStatus> offline(Node n) {
        if (!n.lastStatus.isEmpty()) {
            return n.lastStatus;
        }
        List<JobStatus> result = new ArrayList<>();
        planned.values().stream().sorted(Comparator.comparing(JobSpec::name)).forEach(spec -> {
            ScheduledJob job = jobs.get(spec.name());
            result.add(new JobStatus(spec.name(), spec.schedule().describe(), spec.action().describe(),
                    job != null && job.running(), false, Optional.empty(), job == null ? List.of() : job.history.runs()));
        });
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

    /** This node's name in the cluster; empty on one machine. */
    public Optional<String> node() {
        return node.map(n -> n.cluster.node());
    }

    @Override
    public String name() {
        return "jobs";
    }

    /**
     * On one machine nothing yet: the scheduler (and its threads) starts with the first job
     * {@link #update} schedules. A cluster node starts its scheduler now, to take its share of the
     * cluster's firings whatever its own plan holds, after closing the runs a previous life of it
     * left open.
     */
    @Override
    public synchronized void start() throws Exception {
        if (node.isEmpty() || closed) {
            return;
        }
        Node n = node.get();
        int closedRuns = n.table.closeOwn();
        if (closedRuns > 0) {
            log.info("jobs: {} run(s) of this node's previous start never ended; recorded as interrupted", closedRuns);
        }
        scheduler();
        log.info("jobs: node {} of the cluster's scheduler (check-in every {} ms)", n.cluster.node(),
                n.cluster.checkIn().toMillis());
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public String describe() {
        List<JobStatus> all = status();
        long paused = all.stream().filter(JobStatus::paused).count();
        return all.size() + " job(s) scheduled" + (paused == 0 ? "" : ", " + paused + " paused")
                + node.map(n -> n.outage.down() ? "; the database is unreachable, runs wait" : "").orElse("");
    }

    /** Stops scheduling, interrupts running jobs (commands are killed) and waits for them to end. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
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
        } finally {
            node.ifPresent(n -> {
                n.outage.close();
                DBConnectionManager.getInstance().addConnectionProvider(n.provider, STOPPED);
            });
        }
    }

    /**
     * Stops a cluster node as a kill would, for tests of a node's death: from now on nothing of
     * it reaches the database (Quartz's connections are refused, runs are not recorded), its
     * scheduler stops without waiting, and its running jobs are interrupted. Its check-in row and
     * the firings it had taken stay in the database, for the other nodes to recover.
     */
    synchronized void halt() {
        Node n = node.orElseThrow(() -> new IllegalStateException("halt is for a cluster node"));
        n.halted = true;
        DBConnectionManager.getInstance().addConnectionProvider(n.provider, STOPPED);
        n.outage.close();
        closed = true;
        if (scheduler != null) {
            try {
                scheduler.shutdown(false);
                for (ScheduledJob job : jobs.values()) {
                    scheduler.interrupt(JobKey.jobKey(job.spec.name(), GROUP));
                }
            } catch (SchedulerException e) {
                // as dead as it gets
            }
        }
    }
}
