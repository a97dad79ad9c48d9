package dev.container.tls;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.conscrypt.Conscrypt;

/**
 * A Conscrypt engine that gives its native resources back when the connection is torn down
 * rather than when the garbage collector finalizes it. Conscrypt frees a connection's BoringSSL
 * state, and the pipe it opens for each one, only once both directions are closed and its
 * close_notify has been wrapped; Undertow's SslConduit closes both directions when a connection
 * ends but, on a connection the client has already dropped (most clients of a busy server), never
 * wraps the close_notify it cannot send. Those engines then held two file descriptors each until
 * a GC ran their finalizers: 8,000 open pipes after 20 s of handshakes, and "Too many open files"
 * soon after. Once both directions are closed, this wraps what is left into scratch space and
 * drops it (the connection is being torn down; a client that closed first does not wait for our
 * close_notify), and Conscrypt frees at once. A wrap of several buffers is staged into one direct
 * buffer of the thread's first ({@link ThreadBuffers}), so that Conscrypt never allocates the 16 KiB
 * direct buffer of its own it would otherwise keep for the connection's life. Everything else is the
 * delegate's; {@link #delegate()} is for Conscrypt's own calls (ALPN). Used by one connection's
 * thread at a time, as every SSLEngine. {@link StaplingEngine} adds OCSP stapling; the handshake
 * is watched for the metrics when a listener is given ({@link WatchedEngine}).
 */
public sealed class ReleasingEngine extends WatchedEngine permits StaplingEngine {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Room for a whole TLS record, once per I/O thread: closes happen there. */
    private static final ThreadLocal<ByteBuffer> SCRATCH =
            ThreadLocal.withInitial(() -> ByteBuffer.allocate(Conscrypt.maxEncryptedPacketLength()));

    private boolean outboundClosed;
    private boolean inboundClosed;

    ReleasingEngine(SSLEngine delegate) {
        this(delegate, null);
    }

    /** delegate, a Conscrypt engine, its handshake told to handshakes (null: not watched). */
    ReleasingEngine(SSLEngine delegate, HandshakeListener handshakes) {
        super(delegate, handshakes, true);
    }

    /** The Conscrypt engine inside, for Conscrypt's static calls. */
    public SSLEngine delegate() {
        return delegate;
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
        if (!ThreadBuffers.wouldCopy(srcs, offset, length)) {
            return super.wrap(srcs, offset, length, dst);
        }
        SSLEngineResult result = super.wrap(new ByteBuffer[] {ThreadBuffers.staged(srcs, offset, length)}, 0, 1, dst);
        ThreadBuffers.consume(srcs, offset, length, result.bytesConsumed());
        return result;
    }

    @Override
    public void closeOutbound() {
        outboundClosed = true;
        super.closeOutbound();
        if (inboundClosed) {
            release();
        }
    }

    @Override
    public void closeInbound() throws SSLException {
        inboundClosed = true;
        try {
            super.closeInbound();
        } finally {
            if (outboundClosed) {
                release();
            }
        }
    }

    /** Both directions are closed: wrap and drop what is still queued, so that Conscrypt frees. */
    private void release() {
        ByteBuffer scratch = SCRATCH.get();
        try {
            for (int i = 0; i < 8 && !delegate.isOutboundDone(); i++) {
                scratch.clear();
                if (delegate.wrap(EMPTY, scratch).bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException e) {
            // a broken engine: the finalizer remains its way out
        }
    }
}
