package dev.container.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that run blocking work (servlets, file reads): few while that is enough, many
 * when requests wait.
 *
 * <p>A pool that starts a thread whenever none is idle (XNIO's and Tomcat's do) ends up, under
 * load, with one thread per connection, and every request then wakes a parked thread: on one or
 * two cores the context switches cost more than the requests. This pool keeps {@code core}
 * threads, which take queued tasks one after another without parking while there is work, and
 * grows only when a task has waited longer than {@code maxWait} (all threads are blocked on
 * something: a database, a slow client, a sleep), one thread per check, up to {@code max}.
 * Threads above the core stop after {@code keepAlive} without work.
 *
 * <p>A watcher thread does the checks, every quarter of maxWait while tasks are queued and
 * every 100 ms otherwise. Thread-safe.
 */
final class WorkerPool extends AbstractExecutorService {
    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    private record Task(Runnable work, long queuedAt) {
    }

    /** Queued once per thread at shutdown, after the real work. */
    private static final Task STOP = new Task(() -> { }, 0);

    private static final long IDLE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String name;
    private final int core;
    private final int max;
    private final long maxWaitNanos;
    private final long keepAliveNanos;
    private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger threads = new AtomicInteger();
    private final AtomicInteger idle = new AtomicInteger();
    private final AtomicInteger numbering = new AtomicInteger();
    private final List<Thread> started = new ArrayList<>();
    private final Thread watcher;
    private volatile boolean shutdown;

    WorkerPool(String name, int core, int max, long maxWaitMillis, long keepAliveMillis) {
        if (core < 1 || max < core) {
            throw new IllegalArgumentException("need 1 <= core <= max, got core " + core + ", max " + max);
        }
        this.name = name;
        this.core = core;
        this.max = max;
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
        this.keepAliveNanos = TimeUnit.MILLISECONDS.toNanos(keepAliveMillis);
        for (int i = 0; i < core; i++) {
            startThread();
        }
        watcher = new Thread(this::watch, name + "-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    @Override
    public void execute(Runnable work) {
        if (shutdown) {
            throw new RejectedExecutionException(name + " is shut down");
        }
        queue.add(new Task(work, System.nanoTime()));
        if (queue.size() > idle.get()) {
            LockSupport.unpark(watcher); // more work than idle threads: the watcher times the wait
        }
    }

    /** Threads running now, busy or idle. */
    int size() {
        return threads.get();
    }

    private void watch() {
        long tick = Math.max(maxWaitNanos / 4, TimeUnit.MILLISECONDS.toNanos(1));
        while (!shutdown) {
            Task oldest = queue.peek();
            if (oldest == null) {
                // Woken by execute(); the timeout is a safety net for a wake-up lost to a race
                // between the idle count and the queue.
                LockSupport.parkNanos(this, IDLE_CHECK_NANOS);
            } else {
                if (oldest != STOP && System.nanoTime() - oldest.queuedAt() > maxWaitNanos && threads.get() < max) {
                    startThread();
                }
                LockSupport.parkNanos(this, tick);
            }
        }
    }

    private synchronized void startThread() {
        if (shutdown) {
            return;
        }
        threads.incrementAndGet();
        Thread thread = new Thread(this::work, name + "-" + numbering.incrementAndGet());
        thread.setDaemon(true);
        started.removeIf(t -> !t.isAlive());
        started.add(thread);
        thread.start();
    }

    private void work() {
        boolean counted = true;
        try {
            while (true) {
                Task task = next();
                if (task == null) {
                    counted = false; // retired: next() took this thread off the count
                    return;
                }
                if (task == STOP) {
                    return;
                }
                try {
                    task.work().run();
                } catch (RuntimeException | Error e) {
                    // Undertow handles a request's own failures; anything reaching here is a bug
                    // in a task, and must not cost the pool a thread.
                    log.error("{}: task failed: {}", Thread.currentThread().getName(), e.toString(), e);
                }
                Thread.interrupted(); // a task's leftover interrupt must not end the next wait
            }
        } finally {
            if (counted) {
                threads.decrementAndGet();
            }
        }
    }

    /**
     * The next task; STOP when interrupted; null when this thread, above the core, found no work
     * for keepAlive and has taken itself off the count.
     */
    private Task next() {
        while (true) {
            idle.incrementAndGet();
            try {
                if (threads.get() <= core) {
                    return queue.take();
                }
                Task task = queue.poll(keepAliveNanos, TimeUnit.NANOSECONDS);
                if (task != null) {
                    return task;
                }
            } catch (InterruptedException e) {
                return STOP;
            } finally {
                idle.decrementAndGet();
            }
            int now = threads.get();
            if (now > core && threads.compareAndSet(now, now - 1)) {
                return null;
            }
        }
    }

    /** Runs what is queued, then stops every thread; new tasks are refused. */
    @Override
    public synchronized void shutdown() {
        if (shutdown) {
            return;
        }
        shutdown = true;
        LockSupport.unpark(watcher);
        started.removeIf(thread -> !thread.isAlive());
        for (int i = 0; i < started.size(); i++) {
            queue.add(STOP); // after the queued work, one per thread
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Task> left = new ArrayList<>();
        queue.drainTo(left);
        shutdown();
        synchronized (this) {
            started.forEach(Thread::interrupt);
        }
        return left.stream().filter(task -> task != STOP).map(Task::work).toList();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && threads.get() == 0;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        List<Thread> all;
        synchronized (this) {
            all = List.copyOf(started);
        }
        for (Thread thread : all) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
        return isTerminated();
    }
}
