package dev.container.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.HttpString;
import io.undertow.util.MalformedMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSourceConduit;

/**
 * The bottom of an HTTP/1.1 connection's read side, below Undertow's parser: every byte passes
 * {@link RequestFraming} before Undertow sees it, and a request head reaches Undertow only once
 * it is complete and valid. So Undertow, whose parser is lenient (it reads a bare CR as a line
 * end, folds obs-fold, takes any Transfer-Encoding for chunked, and accepts junk after a chunk
 * size), never reads a malformed request, and never reads a second request out of the first.
 *
 * <p>What is refused and how:
 * <ul>
 * <li>a bad head is replaced by a request of our own that Undertow parses and {@link StrictHttp1}
 *     answers with the status (400, 413, 414, 431, 501, 505) and {@code Connection: close}; nothing
 *     after it is read. Pipelined requests before it are served first, in order.</li>
 * <li>a bad chunked body (or one over the size limit) whose bad bytes came with the head is
 *     answered 400 (413) by {@link StrictHttp1} before any app sees the request. One that goes bad
 *     later fails the app's read of it: a blocking read throws (Undertow's
 *     MalformedMessageException, or RequestTooBigException over the size limit) with the
 *     connection still open, so the app answers 400 (413); a non-blocking read fails, and
 *     Undertow's chunked decoder then closes the connection without an answer. Either way the
 *     connection is closed, as the rest cannot be read.</li>
 * <li>a head that does not end within the request timeout closes the connection (slowloris): the
 *     bytes of an unfinished head are held here, so Undertow's own parse timeout never starts.</li>
 * </ul>
 * After an upgrade request (WebSocket, h2c) the bytes are held, unread, until the response says
 * whether the connection was upgraded (then they are no longer HTTP/1.1) or not.
 *
 * <p>Used by one thread at a time, as every conduit; the upgrade decision comes from the thread
 * that completes the exchange, while the connection does not read.
 */
final class FramingConduit extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private static final Logger log = LoggerFactory.getLogger(FramingConduit.class);

    /**
     * The header of our stand-in request for a refused head. The random part is this process's
     * own, so no client can send it to have a request refused (or to skip a check).
     */
    static final HttpString REFUSED = new HttpString("X-Container-Refused-" + HexFormat.of().formatHex(randomBytes()));
    private static final byte[] EMPTY = new byte[0];
    /** Bytes read from a refused connection before it closes, so the answer is not lost to a reset. */
    private static final int LINGER = 64 * 1024;

    /** Connections whose upgrade request is being answered, by connection, for {@link StrictHttp1}. */
    private static final Map<StreamConnection, FramingConduit> AWAITING = new WeakHashMap<>();
    /**
     * Connections whose request body broke the rules, for {@link StrictHttp1} to answer the request
     * itself when it knows before an app reads a byte (the bad bytes came with the head).
     */
    private static final Map<StreamConnection, RequestFraming.Failure> FAILED_BODIES = new WeakHashMap<>();

    /**
     * A request body that broke the framing rules: Undertow's own type for it, so that apps (see
     * deploy/RequestFailures) answer 400 without knowing this class.
     */
    static final class MalformedBody extends MalformedMessageException {
        private final String reason;

        MalformedBody(String reason) {
            this.reason = reason;
        }

        @Override
        public String getMessage() {
            return reason;
        }
    }

    private final RequestFraming framing;
    private final StreamConnection connection;
    private final long headTimeoutMillis;
    private final int holdLimit;

    /**
     * Bytes read from the socket and not given to Undertow yet: [0, deliverable) may be given,
     * [deliverable, scanned) are the start of an unfinished head, [scanned, end) are not read by
     * the framing yet (after an upgrade request).
     */
    private byte[] hold = EMPTY;
    private int deliverable;
    private int scanned;
    private int end;

    /** After a refused head: only our stand-in request is given, then the end of the stream. */
    private boolean refused;
    private IOException bodyFailure;
    /** The read after a body failure answers 0 once, so that a blocking reader awaits and sees the failure. */
    private boolean zeroOnce;
    private XnioExecutor.Key headTimer;
    /** The head the timer runs for (RequestFraming.heads() when it started). */
    private long timedHead;

    FramingConduit(StreamSourceConduit next, StreamConnection connection, RequestFraming framing, long headTimeoutMillis,
                   int maxHeaderSize) {
        super(next);
        this.connection = connection;
        this.framing = framing;
        this.headTimeoutMillis = headTimeoutMillis;
        this.holdLimit = maxHeaderSize + 32 * 1024;
    }

    /** The conduit of a connection whose upgrade request is being answered, or null. */
    static FramingConduit awaitingUpgrade(StreamConnection connection) {
        synchronized (AWAITING) {
            return AWAITING.get(connection);
        }
    }

    /** Why the body of the connection's current request was refused, or null. */
    static RequestFraming.Failure failedBody(StreamConnection connection) {
        synchronized (FAILED_BODIES) {
            return FAILED_BODIES.get(connection);
        }
    }

    /** The upgrade request was answered: with 101 (upgraded) or anything else. */
    void upgradeDecided(boolean upgraded) {
        synchronized (AWAITING) {
            AWAITING.remove(connection);
        }
        if (framing.state() != RequestFraming.AWAIT_UPGRADE) {
            return;
        }
        if (upgraded) {
            framing.upgraded();
            deliverable = scanned = end; // none of it is HTTP/1.1 now
        } else {
            framing.notUpgraded(); // [scanned, end) is read as requests again at the next read
        }
    }

    /** Feeds bytes read before the connection reached us (TLS with ALPN reads some to choose). */
    void preload(ByteBuffer data) {
        int n = data.remaining();
        ensure(n);
        data.get(hold, end, n);
        end += n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (deliverable > 0) {
            return give(dst);
        }
        if (bodyFailure != null) {
            if (zeroOnce) {
                zeroOnce = false;
                return 0;
            }
            throw bodyFailure;
        }
        if (refused) {
            return -1;
        }
        if (end > 0) {
            return readHeld(dst);
        }
        int state = framing.state();
        if (state == RequestFraming.PASSTHROUGH) {
            return next.read(dst);
        }
        if (state == RequestFraming.AWAIT_UPGRADE) {
            return 0;
        }
        // The common case: nothing held; read straight into Undertow's buffer and check in place
        int start = dst.position();
        int n = next.read(dst);
        if (n <= 0) {
            return n;
        }
        int stop = start + n;
        int ok = framing.scan(dst, start, stop);
        if (framing.failure() != null) {
            // keep what precedes the bad part; the bad part is not Undertow's to see
            dst.position(ok);
            fail();
            return (ok - start) + (deliverable > 0 ? give(dst) : 0);
        }
        if (framing.state() == RequestFraming.PASSTHROUGH) {
            return n; // HTTP/2 by prior knowledge: the rest is frames
        }
        if (ok < stop) {
            // an unfinished head (or, after an upgrade request, bytes that may not be HTTP/1.1): hold them
            int rest = stop - ok;
            ensure(rest);
            dst.get(ok, hold, 0, rest);
            end = rest;
            scanned = framing.state() == RequestFraming.AWAIT_UPGRADE ? 0 : rest;
            dst.position(ok);
        }
        afterScan();
        return ok - start;
    }

    /** Reads on from the held bytes: gives what may be given, else reads more and checks it. */
    private int readHeld(ByteBuffer dst) throws IOException {
        while (true) {
            if (deliverable > 0) {
                return give(dst);
            }
            int state = framing.state();
            if (state == RequestFraming.PASSTHROUGH) {
                deliverable = scanned = end;
                continue;
            }
            if (state == RequestFraming.AWAIT_UPGRADE) {
                return 0;
            }
            if (scanned == end) {
                // all held bytes are an unfinished head: it needs more
                ensure(Math.min(16 * 1024, holdLimit - end));
                int n = next.read(ByteBuffer.wrap(hold, end, hold.length - end));
                if (n <= 0) {
                    return n; // the client closed in the middle of a head: nothing to serve
                }
                end += n;
            }
            int ok = framing.scan(ByteBuffer.wrap(hold), scanned, end);
            if (framing.failure() != null) {
                end = Math.max(ok, 0);
                deliverable = scanned = end;
                fail();
                continue;
            }
            boolean stopped = framing.state() == RequestFraming.AWAIT_UPGRADE;
            deliverable = ok;
            scanned = stopped ? ok : end;
            afterScan();
            if (deliverable == 0 && !stopped && scanned == end && end > 0) {
                continue; // still an unfinished head: read more now, there may be more waiting
            }
            if (deliverable == 0) {
                return 0;
            }
        }
    }

    /** Copies deliverable held bytes into dst and drops them from the hold. */
    private int give(ByteBuffer dst) {
        int n = Math.min(deliverable, dst.remaining());
        dst.put(hold, 0, n);
        System.arraycopy(hold, n, hold, 0, end - n);
        deliverable -= n;
        scanned -= n;
        end -= n;
        if (end == 0 && hold.length > 4096) {
            hold = EMPTY; // a connection that once held a large head does not keep its buffer
        }
        return n;
    }

    private void ensure(int more) {
        if (end + more > hold.length) {
            hold = Arrays.copyOf(hold, Math.max(end + more, Math.min(Math.max(hold.length * 2, 1024), holdLimit)));
        }
    }

    /** After a scan that did not fail: the head timer, the upgrade wait. */
    private void afterScan() {
        if (framing.state() == RequestFraming.AWAIT_UPGRADE) {
            synchronized (AWAITING) {
                AWAITING.put(connection, this);
            }
        }
        boolean unfinished = framing.headBytes() > 0;
        if (headTimer != null && (!unfinished || timedHead != framing.heads())) {
            headTimer.remove();
            headTimer = null;
        }
        if (unfinished && headTimer == null && headTimeoutMillis > 0) {
            long head = framing.heads();
            timedHead = head;
            headTimer = next.getReadThread().executeAfter(() -> headTimedOut(head), headTimeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void headTimedOut(long head) {
        headTimer = null;
        if (framing.heads() == head && framing.headBytes() > 0) {
            log.debug("closing {}: request head not complete within {} ms", connection.getPeerAddress(), headTimeoutMillis);
            IoUtils.safeClose(connection);
        }
    }

    /** The framing failed: a head is replaced by our stand-in request, a body fails its reader. */
    private void fail() {
        RequestFraming.Failure failure = framing.failure();
        log.debug("refusing a request from {}: {} ({})", connection.getPeerAddress(), failure.reason(), failure.status());
        if (headTimer != null) {
            headTimer.remove();
            headTimer = null;
        }
        if (failure.inHead()) {
            byte[] standIn = ("GET / HTTP/1.1\r\nHost: refused.invalid\r\n" + REFUSED + ": " + failure.status()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            hold = Arrays.copyOf(hold, Math.max(end, 0) + standIn.length);
            System.arraycopy(standIn, 0, hold, end, standIn.length);
            end += standIn.length;
            deliverable = scanned = end;
            refused = true;
        } else {
            bodyFailure = failure.status() == 413 ? new RequestTooBigException(failure.reason())
                    : new MalformedBody(failure.reason());
            zeroOnce = true;
            synchronized (FAILED_BODIES) {
                FAILED_BODIES.put(connection, failure);
            }
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        for (int i = offs; i < offs + len; i++) {
            if (dsts[i].hasRemaining()) {
                return read(dsts[i]);
            }
        }
        return 0;
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        return Conduits.transfer(this, count, throughBuffer, target);
    }

    /** Whether a read would return something (or fail) without more input from the socket. */
    private boolean ready() {
        return deliverable > 0 || bodyFailure != null || refused
                || framing.state() == RequestFraming.PASSTHROUGH && end > 0
                || end > scanned && framing.state() != RequestFraming.AWAIT_UPGRADE;
    }

    @Override
    public void resumeReads() {
        if (framing.state() == RequestFraming.AWAIT_UPGRADE && deliverable == 0) {
            next.suspendReads(); // what comes next waits in the socket until the answer says what it is
        } else if (ready()) {
            next.wakeupReads();
        } else {
            next.resumeReads();
        }
    }

    @Override
    public void awaitReadable() throws IOException {
        if (bodyFailure != null && deliverable == 0) {
            throw bodyFailure;
        }
        if (!ready()) {
            next.awaitReadable();
        }
    }

    @Override
    public void awaitReadable(long time, TimeUnit timeUnit) throws IOException {
        if (bodyFailure != null && deliverable == 0) {
            throw bodyFailure;
        }
        if (!ready()) {
            next.awaitReadable(time, timeUnit);
        }
    }

    @Override
    public void terminateReads() throws IOException {
        if (headTimer != null) {
            headTimer.remove();
            headTimer = null;
        }
        synchronized (AWAITING) {
            AWAITING.remove(connection);
        }
        if (refused || bodyFailure != null) {
            // Read what the client already sent, so that closing a socket with unread data (a
            // reset, which can destroy our answer in flight) is less likely: nginx lingers too.
            ByteBuffer scratch = ByteBuffer.allocate(8192);
            int drained = 0;
            try {
                int n;
                while (drained < LINGER && (n = next.read(scratch)) > 0) {
                    drained += n;
                    scratch.clear();
                }
            } catch (IOException e) {
                // the client is gone already: nothing to protect
            }
        }
        next.terminateReads();
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
