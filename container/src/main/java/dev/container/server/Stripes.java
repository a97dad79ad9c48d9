package dev.container.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters laid out in one {@code long[]}: a run of slots per stripe, a thread adding into the
 * stripe its id picks, so that the counters one request adds to share a cache line or two (where
 * a {@link java.util.concurrent.atomic.LongAdder} each would be an object, a cell array and a cell
 * apart), and threads that add at once mostly do not share a line. Adds are atomic, so threads
 * that pick the same stripe lose nothing; a counter's value is its slot summed over the stripes.
 * Stripes are a power of two, at least the processors (at most 16); a stripe's slots are padded
 * by a line so that no two stripes share one wherever the array lies.
 */
final class Stripes {
    static final int COUNT = count(Runtime.getRuntime().availableProcessors());
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private Stripes() {
    }

    private static int count(int processors) {
        int n = Integer.highestOneBit(Math.max(processors, 1));
        return Math.min(n < processors ? n << 1 : n, 16);
    }

    /** The distance between stripes for slots counters: whole lines of 8 longs, and one more. */
    static int stride(int slots) {
        return (slots + 7) / 8 * 8 + 8;
    }

    /** A block of counters, all stripes, zero. */
    static long[] block(int stride) {
        return new long[COUNT * stride];
    }

    /** The first slot of the calling thread's stripe. */
    @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+
    static int base(int stride) {
        return ((int) Thread.currentThread().getId() & (COUNT - 1)) * stride;
    }

    static void add(long[] block, int index, long n) {
        LONGS.getAndAdd(block, index, n);
    }

    /** The counter in slot, summed over the stripes. */
    static long sum(long[] block, int stride, int slot) {
        long n = 0;
        for (int i = slot; i < block.length; i += stride) {
            n += (long) LONGS.getVolatile(block, i);
        }
        return n;
    }
}
