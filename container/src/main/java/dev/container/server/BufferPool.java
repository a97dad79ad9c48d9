package dev.container.server;

import io.undertow.UndertowMessages;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.DefaultByteBufferPool;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The listeners' direct buffers: a few per thread in a {@link ThreadLocal}, then a small shared
 * queue. Undertow's {@link DefaultByteBufferPool} keeps its per-thread buffers in a synchronized
 * {@code WeakHashMap} keyed by thread, looked up on every allocation and every release: in a
 * profile of the hello servlet that lookup alone was 2.5% of the server's samples. A buffer
 * released on another thread than the one that took it (the I/O thread reads, a worker releases)
 * stays pooled here, where Undertow's pool without a size limit frees it.
 *
 * <p>Thread-safe. Buffers left in the caches of threads that end are freed by the garbage
 * collector with their thread; {@link #close} empties the shared queue and refuses allocations.
 */
final class BufferPool implements ByteBufferPool {
    /** Buffers a thread keeps for itself, as Undertow's default pool does. */
    private static final int PER_THREAD = 4;
    /** Buffers kept for any thread beyond those (1 MiB of 16 KiB buffers). */
    private static final int SHARED = 64;

    private final int size;
    private final ThreadLocal<ArrayDeque<ByteBuffer>> local = ThreadLocal.withInitial(() -> new ArrayDeque<>(PER_THREAD));
    private final ConcurrentLinkedQueue<ByteBuffer> shared = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sharedCount = new AtomicInteger();
    private final ByteBufferPool heap;
    private volatile boolean closed;

    BufferPool(int size) {
        this.size = size;
        this.heap = new DefaultByteBufferPool(false, size, -1, 0);
    }

    @Override
    public PooledByteBuffer allocate() {
        if (closed) {
            throw UndertowMessages.MESSAGES.poolIsClosed();
        }
        ByteBuffer buffer = local.get().poll();
        if (buffer == null) {
            buffer = shared.poll();
            if (buffer != null) {
                sharedCount.decrementAndGet();
            } else {
                buffer = ByteBuffer.allocateDirect(size);
            }
        }
        buffer.clear();
        return new Pooled(this, buffer);
    }

    private void release(ByteBuffer buffer) {
        if (closed) {
            return; // the garbage collector frees it
        }
        ArrayDeque<ByteBuffer> mine = local.get();
        if (mine.size() < PER_THREAD) {
            mine.push(buffer);
        } else if (sharedCount.incrementAndGet() <= SHARED) {
            shared.offer(buffer);
        } else {
            sharedCount.decrementAndGet();
        }
    }

    @Override
    public ByteBufferPool getArrayBackedPool() {
        return heap;
    }

    @Override
    public void close() {
        closed = true;
        shared.clear();
        heap.close();
    }

    @Override
    public int getBufferSize() {
        return size;
    }

    @Override
    public boolean isDirect() {
        return true;
    }

    /** One loan of a buffer; closing it twice returns it once. */
    private static final class Pooled implements PooledByteBuffer {
        private static final AtomicIntegerFieldUpdater<Pooled> OPEN = AtomicIntegerFieldUpdater.newUpdater(Pooled.class, "open");
        private final BufferPool pool;
        private ByteBuffer buffer;
        private volatile int open = 1;

        Pooled(BufferPool pool, ByteBuffer buffer) {
            this.pool = pool;
            this.buffer = buffer;
        }

        @Override
        public ByteBuffer getBuffer() {
            ByteBuffer b = buffer;
            if (open == 0 || b == null) {
                throw UndertowMessages.MESSAGES.bufferAlreadyFreed();
            }
            return b;
        }

        @Override
        public void close() {
            ByteBuffer b = buffer;
            if (OPEN.compareAndSet(this, 1, 0)) {
                buffer = null;
                pool.release(b);
            }
        }

        @Override
        public boolean isOpen() {
            return open != 0;
        }
    }
}
