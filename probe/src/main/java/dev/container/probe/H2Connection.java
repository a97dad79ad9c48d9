package dev.container.probe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A client's side of one HTTP/2 connection over a {@link Wire} (TLS with ALPN h2, or cleartext by
 * prior knowledge), frames written and read by Netty's HTTP/2 codec ({@link DefaultHttp2FrameWriter},
 * {@link DefaultHttp2FrameReader}) so that hostile shapes are built from correct parts. Netty's
 * codec wants a {@link ChannelHandlerContext}: an {@link EmbeddedChannel} provides one, and what the
 * writer writes to it is copied to the socket by {@link #flush()}.
 *
 * <p>Acknowledges the server's SETTINGS and PINGs as it reads them; gives the server's DATA back to
 * the flow-control windows unless {@link #autoWindowUpdate(boolean)} turns that off (to stall a
 * response). Every frame read is kept, in order ({@link #frames()}). Not thread-safe; {@link #close()}
 * may be called from another thread.
 */
public final class H2Connection implements Closeable {
    /** The server's header lists, pages and error bodies are read whole up to this size. */
    private static final long READ_HEADER_LIST_LIMIT = 1024 * 1024;

    /** The frame types a client sees, and UNKNOWN for others. */
    public enum Type { DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, UNKNOWN }

    /**
     * One frame received from the server.
     *
     * @param type      its type
     * @param stream    its stream id (0 for the connection)
     * @param endStream END_STREAM on DATA or HEADERS
     * @param ack       ACK on SETTINGS or PING
     * @param headers   the decoded header list of HEADERS (empty otherwise)
     * @param length    DATA's payload length, WINDOW_UPDATE's increment
     * @param code      RST_STREAM's or GOAWAY's error code
     * @param lastStream GOAWAY's last stream id
     * @param settings  SETTINGS' values (empty otherwise)
     * @param data      DATA's payload (without padding), empty for other frames
     */
    public record Frame(Type type, int stream, boolean endStream, boolean ack, Http2Headers headers, int length,
                        long code, int lastStream, Http2Settings settings, byte[] data) {
        @Override
        public String toString() {
            return switch (type) {
                case HEADERS -> "HEADERS(" + stream + ", " + headers.status() + (endStream ? ", end" : "") + ")";
                case DATA -> "DATA(" + stream + ", " + length + (endStream ? ", end" : "") + ")";
                case RST_STREAM -> "RST_STREAM(" + stream + ", " + errorName(code) + ")";
                case GOAWAY -> "GOAWAY(" + errorName(code) + ", last " + lastStream + ")";
                case WINDOW_UPDATE -> "WINDOW_UPDATE(" + stream + ", " + length + ")";
                case SETTINGS -> ack ? "SETTINGS(ack)" : "SETTINGS" + settings;
                default -> type + "(" + stream + ")";
            };
        }
    }

    /**
     * A whole response on one stream, or how it ended without one.
     *
     * @param stream    the stream id
     * @param status    the final status, 0 when no HEADERS came
     * @param headers   the final response's headers (empty when none came)
     * @param body      the DATA received
     * @param complete  END_STREAM was received
     * @param reset     the RST_STREAM, or the GOAWAY that left this stream out, if one came
     */
    public record Response(int stream, int status, Http2Headers headers, byte[] body, boolean complete, Optional<Frame> reset) {
        public String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            if (reset.isPresent()) {
                return reset.get().toString();
            }
            return status == 0 ? "no response" : status + (complete ? "" : " (incomplete, " + body.length + " bytes)");
        }
    }

    private static final byte[] NO_DATA = new byte[0];

    private final Wire wire;
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = channel.pipeline().firstContext();
    private final DefaultHttp2FrameWriter writer;
    private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(false);
    /**
     * Our own HPACK encoder for raw header blocks ({@link #headerBlock}): every field "never
     * indexed", so its blocks leave the server's dynamic table as the writer's encoder expects it.
     */
    private final DefaultHttp2HeadersEncoder rawEncoder = new DefaultHttp2HeadersEncoder((name, value) -> true, true);
    private final ByteBuf inbound = Unpooled.buffer();
    private final List<Frame> frames = new ArrayList<>();
    private final Listener listener = new Listener();
    private Http2Settings serverSettings;
    private boolean autoWindowUpdate = true;
    private boolean writeFailed;
    private int nextStream = 1;

    private H2Connection(Wire wire) {
        this.wire = wire;
        // the probe's own header lists are never refused on our side: the server is the one to judge them
        this.writer = new DefaultHttp2FrameWriter(Http2HeadersEncoder.NEVER_SENSITIVE, true);
        try {
            reader.headersConfiguration().maxHeaderListSize(READ_HEADER_LIST_LIMIT, READ_HEADER_LIST_LIMIT);
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Connects to the endpoint: TLS offering only h2 by ALPN (fails when the server picks none), or
     * cleartext (h2c by prior knowledge); sends the preface and our settings and waits up to 5 s for
     * the server's SETTINGS.
     */
    public static H2Connection open(Target target, Endpoint endpoint, Http2Settings ours) throws IOException {
        Wire wire = Wire.open(target, endpoint, "h2");
        if (endpoint.tls() && !"h2".equals(wire.alpn())) {
            wire.close();
            throw new IOException("the server did not choose h2 by ALPN (got '" + wire.alpn() + "')");
        }
        H2Connection c = new H2Connection(wire);
        try {
            c.handshake(ours);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** {@link #open(Target, Endpoint, Http2Settings)} with default settings. */
    public static H2Connection open(Target target, Endpoint endpoint) throws IOException {
        return open(target, endpoint, new Http2Settings());
    }

    private void handshake(Http2Settings ours) throws IOException {
        channel.writeOutbound(Unpooled.wrappedBuffer(Http2CodecUtil.connectionPrefaceBuf()));
        writer.writeSettings(ctx, ours, ctx.newPromise());
        flush();
        if (await(f -> f.type() == Type.SETTINGS && !f.ack(), Duration.ofSeconds(5)).isEmpty()) {
            throw new IOException("no SETTINGS from the server within 5 s" + (closed() ? " (it closed the connection)" : ""));
        }
    }

    /** The settings the server sent first. */
    public Http2Settings serverSettings() {
        return serverSettings;
    }

    /** The server's SETTINGS_MAX_CONCURRENT_STREAMS, if it sent one. */
    public Optional<Long> maxConcurrentStreams() {
        return Optional.ofNullable(serverSettings.maxConcurrentStreams());
    }

    /** Whether DATA received is given back to the windows at once (default true). */
    public H2Connection autoWindowUpdate(boolean on) {
        this.autoWindowUpdate = on;
        return this;
    }

    /** The next client stream id (1, 3, 5, ...), taken. */
    public int newStream() {
        int id = nextStream;
        nextStream += 2;
        return id;
    }

    /** A GET request's header list for path on this endpoint. */
    public static Http2Headers get(Target target, Endpoint endpoint, String path) {
        return request("GET", target, endpoint, path);
    }

    /** A request's header list (pseudo-headers only), without validation of what is added later. */
    public static Http2Headers request(String method, Target target, Endpoint endpoint, String path) {
        return new DefaultHttp2Headers(false)
                .method(method)
                .scheme(endpoint.tls() ? "https" : "http")
                .authority(target.host().contains(":") ? "[" + target.host() + "]:" + endpoint.port() : target.host() + ":" + endpoint.port())
                .path(path);
    }

    // ----- writing: each queues a frame; flush() sends what is queued

    public H2Connection headers(int stream, Http2Headers headers, boolean endStream) {
        writer.writeHeaders(ctx, stream, headers, 0, endStream, ctx.newPromise());
        return this;
    }

    public H2Connection data(int stream, byte[] bytes, boolean endStream) {
        writer.writeData(ctx, stream, Unpooled.wrappedBuffer(bytes), 0, endStream, ctx.newPromise());
        return this;
    }

    public H2Connection rst(int stream, long code) {
        writer.writeRstStream(ctx, stream, code, ctx.newPromise());
        return this;
    }

    public H2Connection windowUpdate(int stream, int increment) {
        writer.writeWindowUpdate(ctx, stream, increment, ctx.newPromise());
        return this;
    }

    public H2Connection settings(Http2Settings settings) {
        writer.writeSettings(ctx, settings, ctx.newPromise());
        return this;
    }

    public H2Connection ping(long data) {
        writer.writePing(ctx, false, data, ctx.newPromise());
        return this;
    }

    /**
     * Any frame as given, with no checks on our side (DATA on stream 0, a zero WINDOW_UPDATE, a
     * CONTINUATION): the codec writes the frame header, the payload is the caller's.
     */
    public H2Connection frame(byte type, int stream, Http2Flags flags, ByteBuf payload) {
        writer.writeFrame(ctx, type, stream, flags, payload, ctx.newPromise());
        return this;
    }

    /**
     * A HEADERS frame without END_HEADERS carrying block, to be followed by {@link #continuation}
     * frames: the shape of a CONTINUATION flood.
     */
    public H2Connection headersWithoutEnd(int stream, ByteBuf block, boolean endStream) {
        return frame(Http2FrameTypes.HEADERS, stream, new Http2Flags().endOfStream(endStream), block);
    }

    public H2Connection continuation(int stream, ByteBuf block, boolean endHeaders) {
        return frame(Http2FrameTypes.CONTINUATION, stream, new Http2Flags().endOfHeaders(endHeaders), block);
    }

    /**
     * An HPACK block for headers from an encoder of its own whose dynamic table stays empty
     * (literal fields without indexing), so it may be sent in any connection's HEADERS or
     * CONTINUATION without disturbing the writer's table.
     */
    public ByteBuf headerBlock(Http2Headers headers) {
        ByteBuf block = Unpooled.buffer();
        try {
            rawEncoder.encodeHeaders(0, headers, block);
        } catch (Http2Exception e) {
            throw new IllegalArgumentException(e);
        }
        return block;
    }

    /** Sends every queued frame; false when the server has closed (the frames may be lost). */
    public boolean flush() {
        channel.flushOutbound();
        boolean ok = true;
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            try {
                if (ok && !writeFailed) {
                    byte[] bytes = new byte[out.readableBytes()];
                    out.readBytes(bytes);
                    ok = wire.trySend(bytes);
                }
            } finally {
                out.release();
            }
        }
        if (!ok) {
            writeFailed = true;
        }
        return !writeFailed;
    }

    /** True once a write failed: the server closed or reset the connection. */
    public boolean writeFailed() {
        return writeFailed;
    }

    // ----- reading

    /** Every frame read so far, in order. */
    public List<Frame> frames() {
        return frames;
    }

    /** Whether the server closed (or reset) the connection, as far as reads have seen. */
    public boolean closed() {
        return wire.peerClosed();
    }

    /**
     * Reads frames until one matches, the timeout passes or the server closes; returns the match.
     * Frames read meanwhile are kept in {@link #frames()}.
     */
    public Optional<Frame> await(Predicate<Frame> wanted, Duration timeout) throws IOException {
        int seen = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (; seen < frames.size(); seen++) {
                if (wanted.test(frames.get(seen))) {
                    return Optional.of(frames.get(seen));
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed()) {
                return Optional.empty();
            }
            readOnce(Duration.ofNanos(Math.max(left, 1_000_000)));
        }
    }

    /** Reads for the given time (or until the server closes), keeping the frames; returns those read now. */
    public List<Frame> readFor(Duration time) throws IOException {
        int before = frames.size();
        long deadline = System.nanoTime() + time.toNanos();
        while (!closed()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            readOnce(Duration.ofNanos(Math.max(left, 1_000_000)));
        }
        return List.copyOf(frames.subList(before, frames.size()));
    }

    /** How the server ended the connection: "closed" (end of stream), "reset (...)", or "" while open. */
    public String closedHow() {
        return wire.closedHow();
    }

    /** Whether the server closes the connection within wait (frames read meanwhile are kept). */
    public boolean closedWithin(Duration wait) throws IOException {
        readFor(wait);
        return closed();
    }

    /** The GOAWAY the server sent, if any so far. */
    public Optional<Frame> goAway() {
        return frames.stream().filter(f -> f.type() == Type.GOAWAY).findFirst();
    }

    /** Waits up to timeout for a GOAWAY or the end of the connection; the GOAWAY if one came. */
    public Optional<Frame> awaitGoAwayOrClose(Duration timeout) throws IOException {
        Optional<Frame> g = await(f -> f.type() == Type.GOAWAY, timeout);
        return g.isPresent() ? g : goAway();
    }

    /** Waits for the whole response on stream (or its reset, or the connection's end). */
    public Response response(int stream, Duration timeout) throws IOException {
        await(f -> f.stream() == stream && (f.endStream() || f.type() == Type.RST_STREAM)
                || f.type() == Type.GOAWAY && f.lastStream() < stream, timeout);
        return responseSoFar(stream);
    }

    /** What has arrived on stream so far. */
    public Response responseSoFar(int stream) {
        int status = 0;
        Http2Headers headers = new DefaultHttp2Headers(false);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        boolean complete = false;
        Optional<Frame> reset = Optional.empty();
        for (Frame f : frames) {
            if (f.stream() != stream && f.type() != Type.GOAWAY) {
                continue;
            }
            switch (f.type()) {
                case HEADERS -> {
                    CharSequence s = f.headers().status();
                    if (s != null && (status == 0 || status < 200)) {
                        status = Integer.parseInt(s.toString());
                        headers = f.headers();
                    }
                    complete |= f.endStream();
                }
                case DATA -> {
                    body.writeBytes(f.data());
                    complete |= f.endStream();
                }
                case RST_STREAM -> reset = Optional.of(f);
                case GOAWAY -> {
                    if (f.lastStream() < stream && !complete) {
                        reset = Optional.of(f);
                    }
                }
                default -> { }
            }
        }
        return new Response(stream, status, headers, body.toByteArray(), complete, reset);
    }

    /** Sends a GET for path on a new stream and waits for its whole response. */
    public Response get(Target target, Endpoint endpoint, String path, Duration timeout) throws IOException {
        int stream = newStream();
        headers(stream, get(target, endpoint, path), true);
        flush();
        return response(stream, timeout);
    }

    private void readOnce(Duration timeout) throws IOException {
        byte[] got = wire.readSome(64 * 1024, Duration.ofMillis(Math.max(1, Math.min(timeout.toMillis(), 1_000))));
        if (got.length == 0) {
            return;
        }
        inbound.writeBytes(got);
        try {
            reader.readFrame(ctx, inbound, listener);
        } catch (Http2Exception e) {
            throw new IOException("the server sent a frame that breaks RFC 9113: " + e.getMessage(), e);
        }
        inbound.discardReadBytes();
        flush();
    }

    @Override
    public void close() {
        wire.close();
        inbound.release();
        channel.finishAndReleaseAll();
        writer.close();
        reader.close();
    }

    /** The RFC 9113 name of an error code, e.g. REFUSED_STREAM. */
    public static String errorName(long code) {
        String[] names = {"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
                "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR",
                "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};
        return code >= 0 && code < names.length ? names[(int) code] : "0x" + Long.toHexString(code);
    }

    private static Frame frame(Type type, int stream) {
        return new Frame(type, stream, false, false, new DefaultHttp2Headers(false), 0, 0, 0, new Http2Settings(), NO_DATA);
    }

    /** Turns what the reader decodes into Frames, and answers what a client must answer. */
    private final class Listener extends Http2FrameAdapter {
        @Override
        public int onDataRead(ChannelHandlerContext c, int stream, ByteBuf data, int padding, boolean endOfStream) {
            int length = data.readableBytes() + padding;
            byte[] bytes = new byte[data.readableBytes()];
            data.getBytes(data.readerIndex(), bytes);
            frames.add(new Frame(Type.DATA, stream, endOfStream, false, new DefaultHttp2Headers(false), length, 0, 0,
                    new Http2Settings(), bytes));
            if (autoWindowUpdate && length > 0) {
                writer.writeWindowUpdate(ctx, 0, length, ctx.newPromise());
                if (!endOfStream) {
                    writer.writeWindowUpdate(ctx, stream, length, ctx.newPromise());
                }
            }
            return length;
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext c, int stream, Http2Headers headers, int padding, boolean endOfStream) {
            frames.add(new Frame(Type.HEADERS, stream, endOfStream, false, headers, 0, 0, 0, new Http2Settings(), NO_DATA));
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext c, int stream, Http2Headers headers, int dependency, short weight,
                                  boolean exclusive, int padding, boolean endOfStream) {
            onHeadersRead(c, stream, headers, padding, endOfStream);
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext c, int stream, long errorCode) {
            frames.add(new Frame(Type.RST_STREAM, stream, false, false, new DefaultHttp2Headers(false), 0, errorCode, 0,
                    new Http2Settings(), NO_DATA));
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext c, Http2Settings settings) {
            if (serverSettings == null) {
                serverSettings = settings;
            }
            frames.add(new Frame(Type.SETTINGS, 0, false, false, new DefaultHttp2Headers(false), 0, 0, 0, settings, NO_DATA));
            writer.writeSettingsAck(ctx, ctx.newPromise());
        }

        @Override
        public void onSettingsAckRead(ChannelHandlerContext c) {
            frames.add(new Frame(Type.SETTINGS, 0, false, true, new DefaultHttp2Headers(false), 0, 0, 0, new Http2Settings(), NO_DATA));
        }

        @Override
        public void onPingRead(ChannelHandlerContext c, long data) {
            frames.add(frame(Type.PING, 0));
            writer.writePing(ctx, true, data, ctx.newPromise());
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext c, long data) {
            frames.add(new Frame(Type.PING, 0, false, true, new DefaultHttp2Headers(false), 0, 0, 0, new Http2Settings(), NO_DATA));
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext c, int lastStreamId, long errorCode, ByteBuf debugData) {
            frames.add(new Frame(Type.GOAWAY, 0, false, false, new DefaultHttp2Headers(false), 0, errorCode, lastStreamId,
                    new Http2Settings(), NO_DATA));
        }

        @Override
        public void onWindowUpdateRead(ChannelHandlerContext c, int stream, int increment) {
            frames.add(new Frame(Type.WINDOW_UPDATE, stream, false, false, new DefaultHttp2Headers(false), increment, 0, 0,
                    new Http2Settings(), NO_DATA));
        }

        @Override
        public void onPushPromiseRead(ChannelHandlerContext c, int stream, int promised, Http2Headers headers, int padding) {
            frames.add(frame(Type.PUSH_PROMISE, stream));
        }

        @Override
        public void onPriorityRead(ChannelHandlerContext c, int stream, int dependency, short weight, boolean exclusive) {
            frames.add(frame(Type.PRIORITY, stream));
        }

        @Override
        public void onUnknownFrame(ChannelHandlerContext c, byte type, int stream, Http2Flags flags, ByteBuf payload) {
            frames.add(frame(Type.UNKNOWN, stream));
        }
    }
}
