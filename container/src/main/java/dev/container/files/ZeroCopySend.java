package dev.container.files;

import io.undertow.server.HttpServerExchange;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sends a whole file as the response body with sendfile, staying on the I/O thread: each time the
 * socket takes no more it waits for it to be writable and goes on, as nginx does. Undertow's
 * sender hands every such wait back to a worker thread (a wake-up and two context switches per
 * socket buffer), which made a 10 MiB file cost a third more CPU than nginx's. The file is in the
 * page cache for any file served often, so the reads inside sendfile do not block for long.
 *
 * <p>A file that shrinks while it is sent cannot fill the promised Content-Length: the
 * connection is closed (an HTTP/2 stream reset), so the client sees a truncated response, not a
 * hang. On any failure (the client gone, the write timeout) the exchange is ended too: nothing
 * else ends it when its HTTP/2 connection closes under it, and it would count as running for ever
 * (a drain waits for it in vain). Single use.
 */
final class ZeroCopySend implements ChannelListener<StreamSinkChannel> {
    private final HttpServerExchange exchange;
    private final FileChannel file;
    private final long size;
    private long position;

    private ZeroCopySend(HttpServerExchange exchange, FileChannel file, long size) {
        this.exchange = exchange;
        this.file = file;
        this.size = size;
    }

    /** Opens path for {@link #start}; null when it cannot be read (gone since it was checked). */
    static FileChannel open(Path path) {
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Sends the first size bytes of file, which this takes over and closes; the exchange ends when
     * they are sent, or the connection is closed on failure. The caller set Content-Length.
     */
    static void start(HttpServerExchange exchange, FileChannel file, long size) {
        new ZeroCopySend(exchange, file, size).handleEvent(exchange.getResponseChannel());
    }

    @Override
    public void handleEvent(StreamSinkChannel out) {
        try {
            while (position < size) {
                long sent = out.transferFrom(file, position, size - position);
                if (sent == 0) {
                    if (file.size() <= position) {
                        throw new IOException("file shrank to " + file.size() + " bytes while being sent");
                    }
                    out.getWriteSetter().set(this);
                    out.resumeWrites();
                    return;
                }
                position += sent;
            }
            out.suspendWrites();
            out.getWriteSetter().set(null);
            IoUtils.safeClose(file);
            out.shutdownWrites();
            if (out.flush()) {
                exchange.endExchange();
            } else {
                out.getWriteSetter().set(ChannelListeners.flushingChannelListener(
                        flushed -> exchange.endExchange(), (channel, e) -> fail()));
                out.resumeWrites();
            }
        } catch (IOException e) {
            fail();
        }
    }

    private void fail() {
        IoUtils.safeClose(file);
        IoUtils.safeClose(exchange.getConnection());
        exchange.endExchange();
    }
}
