package dev.container.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * two cores the context switches and futex calls cost more than a small request. This pool keeps
 * {@code core} threads. A thread that runs out of work yields the core a few times before it
 * parks, so the I/O thread can queue the next request and the thread takes it without a park and
 * an unpark; a task wakes a parked thread only when more tasks are queued than threads are
 * yielding. The pool grows only when a task has waited longer than {@code maxWait} (every thread
 * is blocked on something: a database, a slow client, a sleep), one thread per check, up to
 * {@code max}. Threads above the core stop after {@code keepAlive} without work.
 *
 * <p>A watcher thread does the growth checks, every quarter of maxWait while tasks are queued and
 * every 100 ms otherwise. Thread-safe.
 */
final class WorkerPool extends AbstractExecutorService {
    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    private record Task(Runnable work, long queuedAt) {
    }

    /** Queued once per thread at shutdown, after the real work. */
    private static final Task STOP = new Task(() -> { }, 0);

    /** Yields before parking: 4 cut futex calls per request from 3 to 0.3 on one core (strace -c). */
    private static final int YIELDS = 4;
    private static final long IDLE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String name;
    private final int core;
    private volatile int max;
    private final long maxWaitNanos;
    private final long keepAliveNanos;
    private final ConcurrentLinkedQueue<Task> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Threads waiting for work, the most recently parked first (its caches are the warmest). */
    private final ConcurrentLinkedDeque<Thread> parked = new ConcurrentLinkedDeque<>();
    /** Threads yielding the core between their last task and parking: they will see new work. */
    private final AtomicInteger spinning = new AtomicInteger();
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
        queue.offer(new Task(work, System.nanoTime()));
        int waiting = queued.incrementAndGet();
        if (waiting > spinning.get()) {
            wakeOne();
        }
        if (waiting > idle.get()) {
            LockSupport.unpark(watcher); // more work than idle threads: the watcher times the wait
        }
    }

    private void wakeOne() {
        Thread thread = parked.pollFirst();
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    private Task poll() {
        Task task = queue.poll();
        if (task != null) {
            queued.decrementAndGet();
        }
        return task;
    }

    /** Sets how many threads the pool may grow to (at least its core); those running above it stay until idle. */
    void setMax(int max) {
        if (max < core) {
            throw new IllegalArgumentException("need max >= core " + core + ", got " + max);
        }
        this.max = max;
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
        Thread me = Thread.currentThread();
        while (true) {
            Task task = poll();
            if (task != null) {
                return task;
            }
            idle.incrementAndGet();
            try {
                // Give the core to the I/O thread a few times before parking: on few cores it is
                // about to queue the next request, and taking it without a park and an unpark
                // (two futex calls and two context switches) is most of the gain over XNIO's pool.
                spinning.incrementAndGet();
                try {
                    for (int i = 0; i < YIELDS; i++) {
                        Thread.yield();
                        task = poll();
                        if (task != null) {
                            return task;
                        }
                    }
                } finally {
                    spinning.decrementAndGet();
                }
                parked.addFirst(me);
                task = poll(); // queued between the last poll and addFirst: execute() saw nobody parked
                if (task != null) {
                    parked.remove(me);
                    return task;
                }
                if (threads.get() <= core) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, keepAliveNanos);
                }
                boolean timedOut = parked.remove(me); // still listed: nobody woke this thread
                if (Thread.interrupted() || shutdown && queue.isEmpty()) {
                    return STOP;
                }
                if (timedOut && threads.get() > core) {
                    int now = threads.get();
                    if (now > core && threads.compareAndSet(now, now - 1)) {
                        return null;
                    }
                }
            } finally {
                idle.decrementAndGet();
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
            queue.offer(STOP); // after the queued work, one per thread
            queued.incrementAndGet();
        }
        started.forEach(LockSupport::unpark);
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Task> left = new ArrayList<>();
        for (Task task = poll(); task != null; task = poll()) {
            left.add(task);
        }
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
