package dev.container.server;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.DelegateOpenListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * The open listener of a cleartext listener with h2c: reads the first bytes of each connection
 * and hands it, with those bytes, to HTTP/2 when they are the client connection preface (prior
 * knowledge, RFC 9113 section 3.3), else to HTTP/1.1. Undertow's own way, its HTTP/1.1 parser
 * switching on "PRI * HTTP/2.0", builds Undertow's unguarded Http2Channel inside the parser, where
 * no listener of ours can take over; this one builds a {@link GuardedHttp2Channel}, the same as
 * for h2 over TLS. A connection that sends no decisive bytes within the idle timeout is closed.
 * Runs on each connection's I/O thread.
 */
final class PriorKnowledge implements ChannelListener<StreamConnection> {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ByteBufferPool buffers;
    private final DelegateOpenListener http1;
    private final DelegateOpenListener http2;
    private final long timeoutMillis;

    /** @param timeout how long a connection may take to show which protocol it speaks; zero for no limit */
    PriorKnowledge(ByteBufferPool buffers, DelegateOpenListener http1, DelegateOpenListener http2, Duration timeout) {
        this.buffers = buffers;
        this.http1 = http1;
        this.http2 = http2;
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public void handleEvent(StreamConnection connection) {
        Sniff sniff = new Sniff(connection);
        connection.getSourceChannel().setReadListener(sniff);
        sniff.handleEvent(connection.getSourceChannel());
    }

    /** Reads until the bytes decide, then hands over the connection and the buffer. */
    private final class Sniff implements ChannelListener<ConduitStreamSourceChannel> {
        private final StreamConnection connection;
        private PooledByteBuffer buffer;
        private XnioExecutor.Key timer;

        Sniff(StreamConnection connection) {
            this.connection = connection;
            this.buffer = buffers.allocate();
        }

        @Override
        public void handleEvent(ConduitStreamSourceChannel source) {
            if (buffer == null) {
                return;
            }
            try {
                ByteBuffer bytes = buffer.getBuffer();
                int read;
                do {
                    read = source.read(bytes);
                } while (read > 0 && bytes.hasRemaining() && bytes.position() < PREFACE.length);
                int got = bytes.position();
                int compare = Math.min(got, PREFACE.length);
                boolean preface = true;
                for (int i = 0; i < compare && preface; i++) {
                    preface = bytes.get(i) == PREFACE[i];
                }
                if (!preface) {
                    handOver(http1);
                } else if (got >= PREFACE.length) {
                    handOver(http2);
                } else if (read < 0) {
                    close();
                } else {
                    if (timer == null && timeoutMillis > 0) {
                        timer = connection.getIoThread().executeAfter(this::close, timeoutMillis, TimeUnit.MILLISECONDS);
                    }
                    source.resumeReads();
                }
            } catch (IOException | RuntimeException e) {
                close();
            }
        }

        private void handOver(DelegateOpenListener listener) {
            cancelTimer();
            ConduitStreamSourceChannel source = connection.getSourceChannel();
            source.suspendReads();
            source.getReadSetter().set(null);
            PooledByteBuffer read = buffer;
            buffer = null;
            read.getBuffer().flip();
            listener.handleEvent(connection, read);
        }

        private void close() {
            cancelTimer();
            if (buffer != null) {
                buffer.close();
                buffer = null;
            }
            IoUtils.safeClose(connection);
        }

        private void cancelTimer() {
            if (timer != null) {
                timer.remove();
                timer = null;
            }
        }
    }
}
