package dev.container.server;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.ConnectorStatistics;
import io.undertow.server.DelegateOpenListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http2.Http2OpenListener;
import io.undertow.server.protocol.http2.Http2ReceiveListener;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;

/**
 * Opens HTTP/2 connections, after ALPN chose h2 (TLS) or after the prior-knowledge preface
 * ({@link PriorKnowledge}, cleartext): what Undertow's {@link Http2OpenListener} does, but on a
 * {@link GuardedHttp2Channel}, which Undertow's listener cannot be told to create. Keeps its open
 * connections, so that the streams running on them can be counted ({@link #streams}). Thread-safe.
 */
final class Http2Listener implements DelegateOpenListener {
    private final ByteBufferPool buffers;
    private final int bufferSize;
    private final String protocol;
    private volatile OptionMap options;
    private volatile HttpHandler root;
    private final Set<GuardedHttp2Channel> open = ConcurrentHashMap.newKeySet();

    /** @param protocol the ALPN name ("h2"), or null for cleartext */
    Http2Listener(ByteBufferPool buffers, OptionMap options, String protocol, HttpHandler root) {
        this.buffers = buffers;
        this.bufferSize = buffers.getBufferSize();
        this.options = options;
        this.protocol = protocol;
        this.root = root;
    }

    @Override
    public void handleEvent(StreamConnection connection, PooledByteBuffer read) {
        GuardedHttp2Channel channel = new GuardedHttp2Channel(connection, protocol, buffers, read, options);
        open.add(channel);
        channel.addCloseTask(closed -> open.remove(channel));
        channel.getReceiveSetter().set(new Http2ReceiveListener(channel.counting(root), options, bufferSize, null));
        channel.resumeReceives();
    }

    /** The streams with a request running, over this listener's open HTTP/2 connections. */
    int streams() {
        int n = 0;
        for (GuardedHttp2Channel channel : open) {
            n += channel.running();
        }
        return n;
    }

    @Override
    public void handleEvent(StreamConnection connection) {
        handleEvent(connection, null);
    }

    @Override
    public HttpHandler getRootHandler() {
        return root;
    }

    @Override
    public void setRootHandler(HttpHandler root) {
        this.root = root;
    }

    @Override
    public OptionMap getUndertowOptions() {
        return options;
    }

    @Override
    public void setUndertowOptions(OptionMap options) {
        this.options = options;
    }

    @Override
    public ByteBufferPool getBufferPool() {
        return buffers;
    }

    @Override
    public ConnectorStatistics getConnectorStatistics() {
        return null;
    }
}
