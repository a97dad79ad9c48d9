package dev.container.server;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerPoolTest {
    private WorkerPool pool;

    @AfterEach
    void stop() throws InterruptedException {
        if (pool != null) {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void runs_many_short_tasks_on_its_core_threads_without_growing() throws InterruptedException {
        pool = new WorkerPool("t", 2, 50, 1_000, 60_000);
        Set threads = new Set();
        CountDownLatch done = new CountDownLatch(10_000);
        for (int i = 0; i < 10_000; i++) {
            pool.execute(() -> {
                threads.add(Thread.currentThread().getName());
                done.countDown();
            });
        }

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.size()).isEqualTo(2);
        assertThat(threads.names()).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void adds_threads_while_every_thread_is_blocked_and_tasks_wait() throws InterruptedException {
        pool = new WorkerPool("t", 2, 8, 20, 60_000);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(6);
        for (int i = 0; i < 6; i++) {
            pool.execute(() -> {
                running.countDown();
                await(release);
            });
        }

        // Six blocked tasks can only all run if the pool grew from its two core threads.
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.size()).isBetween(6, 8);
        release.countDown();
    }

    @Test
    void never_grows_beyond_its_maximum() throws InterruptedException {
        pool = new WorkerPool("t", 1, 3, 5, 60_000);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            pool.execute(() -> {
                started.incrementAndGet();
                await(release);
            });
        }
        Thread.sleep(500);

        assertThat(pool.size()).isEqualTo(3);
        assertThat(started).hasValue(3);
        release.countDown();
    }

    @Test
    void lets_threads_above_the_core_go_after_their_keep_alive() throws InterruptedException {
        pool = new WorkerPool("t", 1, 4, 5, 100);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(3);
        for (int i = 0; i < 3; i++) {
            pool.execute(() -> {
                running.countDown();
                await(release);
            });
        }
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        release.countDown();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pool.size() > 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(pool.size()).isEqualTo(1);
    }

    @Test
    void keeps_its_thread_when_a_task_throws() throws InterruptedException {
        pool = new WorkerPool("t", 1, 1, 1_000, 60_000);
        pool.execute(() -> {
            throw new IllegalStateException("boom (expected by the test)");
        });
        CountDownLatch after = new CountDownLatch(1);
        pool.execute(after::countDown);

        assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.size()).isEqualTo(1);
    }

    @Test
    void runs_queued_tasks_at_shutdown_then_stops_and_refuses_new_ones() throws InterruptedException {
        pool = new WorkerPool("t", 1, 1, 1_000, 60_000);
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            pool.execute(ran::incrementAndGet);
        }

        pool.shutdown();

        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasValue(100);
        assertThat(pool.isTerminated()).isTrue();
        assertThatThrownBy(() -> pool.execute(() -> { })).hasMessageContaining("shut down");
    }

    @Test
    void shutdown_now_returns_what_never_ran() throws InterruptedException {
        pool = new WorkerPool("t", 1, 1, 60_000, 60_000);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        pool.execute(() -> {
            running.countDown();
            await(release);
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        Runnable never = () -> { };
        pool.execute(never);

        List<Runnable> left = pool.shutdownNow();

        assertThat(left).containsExactly(never);
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Names of the threads that ran something. */
    private static final class Set {
        private final ConcurrentHashMap<String, Boolean> names = new ConcurrentHashMap<>();

        void add(String name) {
            names.put(name, true);
        }

        java.util.Set<String> names() {
            return names.keySet();
        }
    }
}
