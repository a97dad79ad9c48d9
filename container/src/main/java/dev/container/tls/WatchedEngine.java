package dev.container.tls;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * A server engine whose handshake's end is told to a {@link HandshakeListener}: finished (full or
 * resumed), or failed with a reason: the exception an unwrap or wrap threw, or the client closing
 * before the handshake was done. Told once per connection; after that every call goes straight
 * through at the cost of one branch. Without a listener nothing is watched. A connection that never
 * sent a byte (a port probe) had no handshake and is not told. Resumption is asked of the
 * provider's engine: Conscrypt through {@link ConscryptResumption}; the JDK's keeps a resumed
 * session's creation time, which is then older than this engine. Used by one connection's thread at
 * a time, as every SSLEngine; {@link ReleasingEngine} adds Conscrypt's release.
 */
class WatchedEngine extends DelegatingEngine {
    private final HandshakeListener listener;
    private final boolean conscrypt;
    private final long createdMillis = System.currentTimeMillis();
    private boolean begun;
    /** Told already, or nothing to tell (no listener). */
    private boolean told;

    /** delegate, watched by listener (null: not watched); conscrypt when delegate is Conscrypt's. */
    WatchedEngine(SSLEngine delegate, HandshakeListener listener, boolean conscrypt) {
        super(delegate);
        this.listener = listener;
        this.conscrypt = conscrypt;
        this.told = listener == null;
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
        if (told) {
            return delegate.unwrap(src, dsts, offset, length);
        }
        if (src.hasRemaining()) {
            begun = true;
        }
        try {
            return seen(delegate.unwrap(src, dsts, offset, length));
        } catch (SSLException | RuntimeException e) {
            failed(HandshakeFailures.reason(e));
            throw e;
        }
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
        if (told) {
            return delegate.wrap(srcs, offset, length, dst);
        }
        try {
            return seen(delegate.wrap(srcs, offset, length, dst));
        } catch (SSLException | RuntimeException e) {
            failed(HandshakeFailures.reason(e));
            throw e;
        }
    }

    @Override
    public void closeInbound() throws SSLException {
        closedEarly();
        super.closeInbound();
    }

    @Override
    public void closeOutbound() {
        closedEarly();
        super.closeOutbound();
    }

    private SSLEngineResult seen(SSLEngineResult result) {
        SSLEngineResult.HandshakeStatus status = result.getHandshakeStatus();
        if (status == SSLEngineResult.HandshakeStatus.FINISHED) {
            told = true;
            listener.completed(resumed());
        } else if (result.getStatus() == SSLEngineResult.Status.CLOSED && begun) {
            failed("closed"); // close_notify or the like in the middle of the handshake
        }
        return result;
    }

    private void closedEarly() {
        if (!told && begun) {
            failed("closed");
        }
    }

    private void failed(String reason) {
        if (!told) {
            told = true;
            listener.failed(reason);
        }
    }

    private boolean resumed() {
        if (conscrypt) {
            return ConscryptResumption.resumed(delegate);
        }
        try {
            return delegate.getSession().getCreationTime() < createdMillis;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
