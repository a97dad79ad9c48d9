package dev.container.server;

import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.protocols.http2.AbstractHttp2StreamSourceChannel;
import io.undertow.protocols.http2.ConnectionErrorException;
import io.undertow.protocols.http2.HeaderBlocks;
import io.undertow.protocols.http2.Http2Channel;
import io.undertow.protocols.http2.Http2RstStreamStreamSourceChannel;
import io.undertow.protocols.http2.Http2StreamSinkChannel;
import io.undertow.protocols.http2.Http2StreamSourceChannel;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.framed.FrameHeaderData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;

/**
 * The server side of one HTTP/2 connection: Undertow's {@link Http2Channel} with faults of
 * Undertow 2.3 fixed where they arise, since no option reaches them.
 * <ul>
 * <li>SETTINGS_MAX_CONCURRENT_STREAMS is advertised but never enforced: a client may open any
 *     number of streams. Here a stream that would run more requests at once than the limit is
 *     refused with RST_STREAM REFUSED_STREAM before it reaches a handler (RFC 9113 section 5.1.2).
 *     What counts is requests still running on this connection, as nginx counts them, so that a
 *     stream the client has reset but whose request still runs keeps its place (rapid reset, CVE-2023-44487).
 * <li>A HEADERS frame whose block goes on in CONTINUATION frames is handed on as soon as the bytes
 *     read so far end with it: the request then runs with the fields of the first frame alone, and
 *     a header list over SETTINGS_MAX_HEADER_LIST_SIZE may pass. Here the block waits for its
 *     END_HEADERS, as Undertow itself does when the whole block arrives in one read. Undertow
 *     bounds a block by its decoded fields only, so empty CONTINUATION frames could follow one
 *     another for ever (a CONTINUATION flood); here a block of more than twice the advertised
 *     header list size on the wire, frame headers included, ends the connection with GOAWAY
 *     ENHANCE_YOUR_CALM.
 * <li>A reset stream (RST_STREAM from the client, or one the server sends) whose response waits
 *     for the flow-control window is left as it is: Undertow's Http2StreamSinkChannel.rstStream()
 *     closes the response only once its queued frame is flushed, which on a zero window is never.
 *     Its writer is never told, its exchange never ends and counts as running until the whole
 *     connection closes (a drain waits for it in vain). Here the response channel of a reset
 *     stream is closed at once: a blocked writer wakes, an asynchronous one's listener runs,
 *     both see the channel closed, and the exchange ends.
 * <li>Undertow counts the client's RST_STREAM frames against MAX_RST_FRAMES_PER_WINDOW only for
 *     streams without a response under way (it takes those for streams of its own, pushed), so a
 *     rapid reset of GETs whose responses are being written (CVE-2023-44487) mostly goes
 *     uncounted. Here every RST_STREAM from the client counts, with Undertow's
 *     limits (200 in 30 s unless set), and one too many ends the connection with GOAWAY
 *     ENHANCE_YOUR_CALM. The stream limit above bounds the work meanwhile.
 * <li>Undertow sends RST_STREAM again for a stream already reset (by the client, or by itself)
 *     whenever the stream's exchange later fails to write and closes its connection, which for
 *     HTTP/2 means resetting the stream: each such frame counts against the limit of resets sent
 *     (MAX_RST_FRAMES_PER_WINDOW), so a client's own resets made the server count resets it
 *     sent, and end the connection from a worker thread. Here a stream is reset once.
 * <li>Runtime exceptions from the frame parser (HeaderValues holds at most 127 values of one header
 *     name and throws IllegalStateException at the 128th; a content-length that is no number throws
 *     NumberFormatException) reach Undertow's receive listener, which logs each with a stack trace
 *     and closes the connection without GOAWAY. Here they end the connection with GOAWAY
 *     PROTOCOL_ERROR and at most one debug line.
 * </ul>
 * Used from the connection's I/O thread, as Undertow uses its channel; {@link #counting} from
 * whichever thread ends the exchange.
 */
final class GuardedHttp2Channel extends Http2Channel {
    private static final Logger log = LoggerFactory.getLogger(GuardedHttp2Channel.class);

    private final AtomicInteger running = new AtomicInteger();
    /** Streams reset lately, by either side, oldest first; a few thousand suffice to catch repeats. */
    private final Set<Integer> recentlyReset = new HashSet<>();
    private final ArrayDeque<Integer> resetOrder = new ArrayDeque<>();
    /** The response channel of each stream whose response has not ended, by stream id. */
    private final Map<Integer, Http2StreamSinkChannel> responses = new ConcurrentHashMap<>();
    private final int maxStreams;
    private final long maxBlockBytes;
    private final int maxResets;
    private final long resetWindowNanos;
    private long resetWindowStart = System.nanoTime();
    private int resetsInWindow;
    private boolean parserFailed;
    /** A header block has begun and its END_HEADERS is not read yet; bytes it has taken so far. */
    private boolean blockOpen;
    private long blockBytes;

    /**
     * A server connection on channel that reads the client's preface first.
     *
     * @param data bytes already read from the connection (after ALPN or the prior-knowledge check), or null
     */
    GuardedHttp2Channel(StreamConnection channel, String protocol, ByteBufferPool pool, PooledByteBuffer data,
                        OptionMap options) {
        super(channel, protocol, pool, data, false, false, options);
        this.maxStreams = getReceiveMaxConcurrentStreams();
        this.maxResets = options.get(UndertowOptions.MAX_RST_FRAMES_PER_WINDOW, UndertowOptions.DEFAULT_MAX_RST_FRAMES_PER_WINDOW);
        this.resetWindowNanos = TimeUnit.MILLISECONDS.toNanos(
                options.get(UndertowOptions.RST_FRAMES_TIME_WINDOW, UndertowOptions.DEFAULT_RST_FRAMES_TIME_WINDOW));
        int listSize = HeaderBlocks.maxHeaderListSize(this);
        this.maxBlockBytes = listSize > 0 ? 2L * listSize : 2L * 1024 * 1024;
    }

    /** next, counting the requests that run on this connection (the measure of {@link #createChannel}). */
    HttpHandler counting(HttpHandler next) {
        return exchange -> {
            running.incrementAndGet();
            exchange.addExchangeCompleteListener((done, proceed) -> {
                running.decrementAndGet();
                proceed.proceed();
            });
            next.handleRequest(exchange);
        };
    }

    /** Requests running on this connection now: its open streams, as far as a request is concerned. */
    int running() {
        return running.get();
    }

    @Override
    public synchronized AbstractHttp2StreamSourceChannel receive() throws IOException {
        try {
            return super.receive();
        } catch (RuntimeException e) {
            if (!parserFailed) {
                parserFailed = true;
                log.debug("HTTP/2 from {}: cannot take a frame ({}: {}); closing with GOAWAY PROTOCOL_ERROR",
                        getPeerAddress(), e.getClass().getSimpleName(), e.getMessage());
            }
            // the HPACK state is lost with the half-decoded block: only the connection can end
            markReadsBroken(new ConnectionErrorException(ERROR_PROTOCOL_ERROR));
            return null;
        }
    }

    @Override
    protected FrameHeaderData parseFrame(ByteBuffer data) throws IOException {
        int start = data.position();
        FrameHeaderData frame = super.parseFrame(data);
        // null: a frame is not whole yet; while a block is open, all that is read belongs to it
        boolean open = frame == null ? blockOpen : HeaderBlocks.open(frame);
        if (blockOpen || open) {
            blockBytes += data.position() - start;
            if (blockBytes > maxBlockBytes) {
                throw new ConnectionErrorException(ERROR_ENHANCE_YOUR_CALM,
                        "a header block of more than " + maxBlockBytes + " bytes");
            }
        }
        if (frame != null) {
            blockOpen = open;
            if (!open) {
                blockBytes = 0;
            }
        }
        return open ? null : frame;
    }

    @Override
    protected AbstractHttp2StreamSourceChannel createChannel(FrameHeaderData header, PooledByteBuffer frameData)
            throws IOException {
        AbstractHttp2StreamSourceChannel channel = super.createChannel(header, frameData);
        if (channel instanceof Http2StreamSourceChannel stream) {
            if (maxStreams > 0 && running.get() >= maxStreams) {
                // refused before any processing: the client may retry it (RFC 9113 section 8.7)
                sendRstStream(stream.getStreamId(), ERROR_REFUSED_STREAM);
                return null;
            }
            track(stream);
        } else if (channel instanceof Http2RstStreamStreamSourceChannel reset) {
            firstReset(reset.getStreamId());
            release(reset.getStreamId());
            if (tooManyResets()) {
                sendGoAway(ERROR_ENHANCE_YOUR_CALM);
            }
        }
        return channel;
    }

    @Override
    public void sendRstStream(int streamId, int statusCode) {
        if (firstReset(streamId)) {
            super.sendRstStream(streamId, statusCode);
            release(streamId);
        }
    }

    /** Counts a reset by the client; true once more than maxResets came within one window. I/O thread only. */
    private boolean tooManyResets() {
        long now = System.nanoTime();
        if (now - resetWindowStart >= resetWindowNanos) {
            resetWindowStart = now;
            resetsInWindow = 0;
        }
        return ++resetsInWindow > maxResets;
    }

    /** Notes that streamId is reset; false if it was already. */
    private boolean firstReset(int streamId) {
        synchronized (recentlyReset) {
            if (!recentlyReset.add(streamId)) {
                return false;
            }
            resetOrder.add(streamId);
            if (resetOrder.size() > 4096) {
                recentlyReset.remove(resetOrder.remove());
            }
            return true;
        }
    }

    /** Remembers the stream's response channel until it closes (Undertow's own, created here a moment early). */
    private void track(Http2StreamSourceChannel stream) {
        int id = stream.getStreamId();
        Http2StreamSinkChannel response = stream.getResponseChannel();
        responses.put(id, response);
        response.getCloseSetter().set(closed -> responses.remove(id, response));
    }

    /** Closes the response channel of a stream that was reset, if it is still open. */
    private void release(int streamId) {
        Http2StreamSinkChannel response = responses.remove(streamId);
        if (response != null) {
            IoUtils.safeClose(response);
        }
    }
}
