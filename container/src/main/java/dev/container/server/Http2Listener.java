package dev.container.server;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.ConnectorStatistics;
import io.undertow.server.DelegateOpenListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http2.Http2OpenListener;
import io.undertow.server.protocol.http2.Http2ReceiveListener;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;

/**
 * Opens HTTP/2 connections, after ALPN chose h2 (TLS) or after the prior-knowledge preface
 * ({@link PriorKnowledge}, cleartext): what Undertow's {@link Http2OpenListener} does, but on a
 * {@link GuardedHttp2Channel}, which Undertow's listener cannot be told to create. Thread-safe.
 */
final class Http2Listener implements DelegateOpenListener {
    private final ByteBufferPool buffers;
    private final int bufferSize;
    private final String protocol;
    private volatile OptionMap options;
    private volatile HttpHandler root;

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
        channel.getReceiveSetter().set(new Http2ReceiveListener(channel.counting(root), options, bufferSize, null));
        channel.resumeReceives();
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
