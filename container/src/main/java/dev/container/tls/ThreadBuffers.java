package dev.container.tls;

import java.nio.ByteBuffer;
import org.conscrypt.AllocatedBuffer;
import org.conscrypt.BufferAllocator;
import org.conscrypt.Conscrypt;

/**
 * The direct buffers through which Conscrypt's engines copy what is not already in a direct
 * buffer, one pair per thread instead of one per engine. Left alone, a Conscrypt engine allocates
 * a 16 KiB direct buffer of its own the first time it wraps two or more buffers at once (an HTTP/2
 * frame's header and payload: every HTTP/2 response) or reads or writes a heap buffer, and keeps it
 * as long as the connection lives: 17 KiB of native memory for every idle connection (NMT's
 * "Other" grew by 17 MiB for 1,000 held h2 connections). The copies need the buffer only during
 * one call, on the calling thread, so one per thread does: {@link #staged} for the wraps (which
 * {@link ReleasingEngine} stages itself, as Conscrypt 2.9's wrap ignores an engine's allocator),
 * {@link #ALLOCATOR} for the reads and writes of heap buffers. Thread-safe: each thread its own.
 */
final class ThreadBuffers {
    /** The most plaintext one TLS record carries (SSL3_RT_MAX_PLAIN_LENGTH), all a wrap takes at once. */
    static final int RECORD = 16_384;

    private static final ThreadLocal<ByteBuffer> STAGING = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(RECORD));
    private static final ThreadLocal<AllocatedBuffer> COPIES = ThreadLocal.withInitial(() ->
            AllocatedBuffer.wrap(ByteBuffer.allocateDirect(Conscrypt.maxEncryptedPacketLength())));

    /** Conscrypt's allocator for its copies of heap buffers: this thread's buffer, larger ones once. */
    static final BufferAllocator ALLOCATOR = new BufferAllocator() {
        @Override
        public AllocatedBuffer allocateDirectBuffer(int capacity) {
            AllocatedBuffer mine = COPIES.get();
            if (capacity > mine.nioBuffer().capacity()) {
                return AllocatedBuffer.wrap(ByteBuffer.allocateDirect(capacity));
            }
            mine.nioBuffer().clear();
            return mine; // its release does nothing: the next call clears it
        }
    };

    private ThreadBuffers() {
    }

    /**
     * This thread's staging buffer, cleared, filled with up to {@link #RECORD} bytes of srcs[offset,
     * offset + length) from their positions (which stay where they are) and flipped for reading.
     */
    static ByteBuffer staged(ByteBuffer[] srcs, int offset, int length) {
        ByteBuffer staged = STAGING.get();
        staged.clear();
        for (int i = offset; i < offset + length && staged.hasRemaining(); i++) {
            ByteBuffer src = srcs[i];
            int n = Math.min(src.remaining(), staged.remaining());
            staged.put(staged.position(), src, src.position(), n);
            staged.position(staged.position() + n);
        }
        return staged.flip();
    }

    /** Moves the positions of srcs[offset, offset + length) past their first consumed bytes together. */
    static void consume(ByteBuffer[] srcs, int offset, int length, int consumed) {
        for (int i = offset; i < offset + length && consumed > 0; i++) {
            int n = Math.min(srcs[i].remaining(), consumed);
            srcs[i].position(srcs[i].position() + n);
            consumed -= n;
        }
    }

    /**
     * Whether Conscrypt's wrap would copy srcs[offset, offset + length) into a buffer of the engine's
     * own: when the first non-empty buffer holds less than a record and another non-empty one
     * follows (otherwise it sends from that first buffer, through {@link #ALLOCATOR} if on the heap).
     */
    static boolean wouldCopy(ByteBuffer[] srcs, int offset, int length) {
        boolean first = true;
        for (int i = offset; i < offset + length; i++) {
            if (srcs[i].hasRemaining()) {
                if (!first) {
                    return true;
                }
                if (srcs[i].remaining() >= RECORD) {
                    return false;
                }
                first = false;
            }
        }
        return false;
    }
}
