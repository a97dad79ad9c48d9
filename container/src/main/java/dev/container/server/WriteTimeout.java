package dev.container.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.channels.WriteTimeoutException;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.StreamSinkConduit;

/**
 * The write timeout ({@code limits.write-timeout}): a response that has bytes to send and makes no
 * progress for that long is cut, as nginx's send_timeout cuts it. Over HTTP/1.1 that is a client
 * that stopped reading (a slow-read attack, {@code slowhttptest -X}): its connection is closed.
 * Over HTTP/2 it is a stream held on a zero flow-control window: it is reset (RST_STREAM CANCEL)
 * and the connection's other streams go on. Either way the writer sees an IOException and the
 * exchange ends, so it no longer counts as running (a later drain does not wait for it).
 *
 * <p>The clock runs only while a write is waiting: it starts when a write or flush takes nothing,
 * stops at the next one that takes bytes, and stops when the writer suspends writes (it has
 * nothing to send: a stream of events between two events). So pauses of the application
 * itself never count, unlike Undertow's WriteTimeoutStreamSinkConduit, which measures from the
 * last write and so would cut a response that pauses longer than the timeout between two writes.
 *
 * <p>Once cut, writes fail because the channel below is closed (ClosedChannelException), not with
 * an exception of ours: Undertow's asynchronous servlet output, given one of ours, called the
 * app's onError again and again and never ended the exchange. A blocked writer gets a
 * WriteTimeoutException from {@code awaitWritable}. Covers responses of exchanges only, not
 * connections after an upgrade (WebSocket), whose frames are written outside any exchange.
 */
final class WriteTimeout implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(WriteTimeout.class);

    private final long timeoutNanos;
    private final HttpHandler next;

    /** @param timeout zero for none */
    WriteTimeout(Duration timeout, HttpHandler next) {
        this.timeoutNanos = timeout.toNanos();
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (timeoutNanos > 0) {
            exchange.addResponseWrapper((factory, x) -> new Stall(factory.create(), x, timeoutNanos));
        }
        next.handleRequest(exchange);
    }

    /**
     * Measures how long the response has waited to write. Blocking writers wait in
     * {@link #awaitWritable} and time out there; writers that resume writes and wait for their
     * listener are timed out by a timer on the connection's I/O thread.
     */
    private static final class Stall extends AbstractStreamSinkConduit<StreamSinkConduit> {
        private final HttpServerExchange exchange;
        private final long timeoutNanos;
        /** System.nanoTime() when the wait began; valid while waiting. Guarded by this. */
        private long since;
        private boolean waiting;
        private boolean resumed;
        private volatile boolean timedOut;
        private XnioExecutor.Key timer;

        Stall(StreamSinkConduit next, HttpServerExchange exchange, long timeoutNanos) {
            super(next);
            this.exchange = exchange;
            this.timeoutNanos = timeoutNanos;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return (int) wrote(next.write(src), src.hasRemaining());
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = next.write(srcs, offset, length);
            return wrote(n, n == 0 && org.xnio.Buffers.hasRemaining(srcs, offset, length));
        }

        @Override
        public int writeFinal(ByteBuffer src) throws IOException {
            return (int) wrote(next.writeFinal(src), src.hasRemaining());
        }

        @Override
        public long writeFinal(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = next.writeFinal(srcs, offset, length);
            return wrote(n, n == 0 && org.xnio.Buffers.hasRemaining(srcs, offset, length));
        }

        @Override
        public long transferFrom(FileChannel src, long position, long count) throws IOException {
            return wrote(next.transferFrom(src, position, count), count > 0);
        }

        @Override
        public long transferFrom(StreamSourceChannel source, long count, ByteBuffer throughBuffer) throws IOException {
            // what is left in throughBuffer was read from the source but not taken by the sink
            return wrote(next.transferFrom(source, count, throughBuffer), throughBuffer.hasRemaining());
        }

        @Override
        public boolean flush() throws IOException {
            boolean flushed = next.flush();
            wrote(flushed ? 1 : 0, !flushed);
            return flushed;
        }

        /** Notes a write that took n bytes; blocked says whether bytes were left that it could not take. */
        private long wrote(long n, boolean blocked) {
            synchronized (this) {
                if (n > 0) {
                    waiting = false;
                } else if (blocked && !waiting) {
                    waiting = true;
                    since = System.nanoTime();
                }
            }
            return n;
        }

        @Override
        public void awaitWritable() throws IOException {
            awaitWritable(Long.MAX_VALUE, TimeUnit.MILLISECONDS);
        }

        @Override
        public void awaitWritable(long time, TimeUnit unit) throws IOException {
            long left;
            synchronized (this) {
                if (!waiting) {
                    waiting = true;
                    since = System.nanoTime();
                }
                left = since + timeoutNanos - System.nanoTime();
            }
            if (timedOut || left <= 0) {
                expire();
                throw new WriteTimeoutException("no progress writing the response for " + millis(timeoutNanos) + " ms");
            }
            // whole milliseconds, rounded up: Undertow's HTTP/2 stream waits in Object.wait(millis),
            // where a wait of less than a millisecond would be 0, which waits for ever
            long wait = Math.min(Math.max(1, unit.toMillis(time)), TimeUnit.NANOSECONDS.toMillis(left) + 1);
            next.awaitWritable(wait, TimeUnit.MILLISECONDS);
        }

        @Override
        public void resumeWrites() {
            synchronized (this) {
                resumed = true;
                if (!waiting) {
                    waiting = true;
                    since = System.nanoTime();
                }
                schedule();
            }
            next.resumeWrites();
        }

        @Override
        public void wakeupWrites() {
            resumeWrites();
            next.wakeupWrites();
        }

        @Override
        public void suspendWrites() {
            synchronized (this) {
                resumed = false;
                waiting = false;
                cancel();
            }
            next.suspendWrites();
        }

        @Override
        public void terminateWrites() throws IOException {
            synchronized (this) {
                cancel();
            }
            next.terminateWrites();
        }

        @Override
        public void truncateWrites() throws IOException {
            synchronized (this) {
                cancel();
                waiting = false;
            }
            next.truncateWrites();
        }

        /** Arms the timer for the rest of the wait, unless armed. Holds this. */
        private void schedule() {
            if (timer != null || timedOut) {
                return;
            }
            long left = Math.max(0, since + timeoutNanos - System.nanoTime());
            timer = getWriteThread().executeAfter(this::tick, millis(left) + 1, TimeUnit.MILLISECONDS);
        }

        private void cancel() {
            if (timer != null) {
                timer.remove();
                timer = null;
            }
        }

        private void tick() {
            boolean expired;
            synchronized (this) {
                timer = null;
                if (!waiting || !resumed) {
                    return;
                }
                expired = System.nanoTime() - since >= timeoutNanos;
                if (!expired) {
                    schedule();
                }
            }
            if (expired) {
                expire();
            }
        }

        /**
         * Gives up on the response: closes an HTTP/1.1 connection, resets an HTTP/2 stream
         * (Undertow's Http2ServerConnection.close() sends RST_STREAM CANCEL for its stream only,
         * and GuardedHttp2Channel then closes the stream's response channel).
         */
        private void expire() {
            synchronized (this) {
                if (timedOut) {
                    return;
                }
                timedOut = true;
                cancel();
            }
            log.debug("{} {} to {}: no progress writing the response for {} ms; cut", exchange.getRequestMethod(),
                    exchange.getRequestPath(), exchange.getSourceAddress(), millis(timeoutNanos));
            IoUtils.safeClose(exchange.getConnection());
        }

        private static long millis(long nanos) {
            return TimeUnit.NANOSECONDS.toMillis(nanos);
        }
    }
}
