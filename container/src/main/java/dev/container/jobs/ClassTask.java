package dev.container.jobs;

import dev.container.config.JobSpec;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * A class job: an {@code org.quartz.Job} or a {@link Runnable}, made anew for each run with its
 * public no-argument constructor, from the app's current class loader (so it shares the app's
 * code and static state, and follows redeploys), from its jars, or from the container's class
 * path. It runs on a thread of its own with the loader as context class loader; over its timeout
 * that thread is interrupted and the run recorded as timed out. Java cannot stop a thread that
 * ignores interrupts: such a thread is left to finish, and the job's next runs are skipped until
 * it has ({@link #busy()}).
 */
final class ClassTask implements Task {
    private final String name;
    private final JobSpec.RunClass spec;
    private final JobContext context;
    /** The jars' loader, made at the first run; null for an app's class or the container's. */
    private URLClassLoader jarLoader;
    /** A run's thread that outlived its timeout, until it ends. */
    private final AtomicReference<Thread> straggler = new AtomicReference<>();

    ClassTask(String name, JobSpec.RunClass spec, JobContext context) {
        this.name = name;
        this.spec = spec;
        this.context = context;
    }

    /** Whether a timed-out run's thread is still going. */
    boolean busy() {
        Thread t = straggler.get();
        return t != null && t.isAlive();
    }

    @Override
    public Outcome run(Duration timeout, JobExecutionContext quartz) throws Exception {
        if (busy()) {
            return new Outcome(JobRun.Result.SKIPPED, "a timed-out run is still going (it ignores interrupts)", "");
        }
        ClassLoader loader = loader();
        if (loader == null) {
            return Outcome.failed("app " + spec.host().map(h -> h + ":").orElse("") + spec.app().orElse("")
                    + " is not running", "");
        }
        Runnable body = instance(loader, quartz);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "job-" + name);
        thread.setDaemon(true);
        thread.setContextClassLoader(loader);
        thread.start();
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            thread.interrupt();
            straggler.set(thread);
            return Outcome.interrupted("interrupted", "");
        }
        if (thread.isAlive()) {
            thread.interrupt();
            thread.join(Math.min(1000, timeout.toMillis()));
            if (thread.isAlive()) {
                straggler.set(thread);
            }
            return Outcome.timedOut("interrupted after " + timeout.toMillis() + " ms"
                    + (thread.isAlive() ? "; still running" : ""), "");
        }
        Throwable t = failure.get();
        if (t != null) {
            throw t instanceof Exception e ? e : new RuntimeException(t);
        }
        Object result = quartz.getResult();
        return Outcome.ok("returned", result == null ? "" : String.valueOf(result));
    }

    private ClassLoader loader() throws MalformedURLException {
        if (spec.app().isPresent()) {
            return context.appClassLoader(spec.app().get(), spec.host()).orElse(null);
        }
        if (spec.jars().isEmpty()) {
            return ClassTask.class.getClassLoader();
        }
        synchronized (this) {
            if (jarLoader == null) {
                List<URL> urls = new ArrayList<>();
                for (Path jar : spec.jars()) {
                    urls.add(jar.toUri().toURL());
                }
                jarLoader = new URLClassLoader("job:" + name, urls.toArray(URL[]::new), ClassTask.class.getClassLoader());
            }
            return jarLoader;
        }
    }

    /** The job's class, made and wrapped as a Runnable; what is wrong with it as an exception with a plain message. */
    private Runnable instance(ClassLoader loader, JobExecutionContext quartz) throws Exception {
        Class<?> type;
        try {
            type = Class.forName(spec.className(), true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new JobSetupException("cannot load " + spec.className() + ": " + e);
        }
        boolean isJob = Job.class.isAssignableFrom(type);
        if (!isJob && !Runnable.class.isAssignableFrom(type)) {
            throw new JobSetupException(spec.className() + " is neither an org.quartz.Job nor a Runnable");
        }
        Object instance;
        try {
            instance = type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new JobSetupException(spec.className() + " has no public no-argument constructor");
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        quartz.getMergedJobDataMap().putAll(spec.data());
        if (isJob) {
            Job job = (Job) instance;
            return () -> {
                try {
                    job.execute(quartz);
                } catch (org.quartz.JobExecutionException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            };
        }
        return (Runnable) instance;
    }

    @Override
    public synchronized void close() {
        if (jarLoader != null) {
            try {
                jarLoader.close();
            } catch (IOException e) {
                // the jars stay open until the JVM ends; nothing else to do
            }
            jarLoader = null;
        }
    }

    /** The class cannot run as a job at all: reported in one line, without a stack trace. */
    static final class JobSetupException extends Exception {
        JobSetupException(String message) {
            super(message, null, false, false);
        }
    }
}
