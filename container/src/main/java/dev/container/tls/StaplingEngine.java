package dev.container.tls;

import java.nio.ByteBuffer;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * A server's Conscrypt engine that staples the OCSP response of the certificate it will serve.
 * Conscrypt hands BoringSSL the response when the handshake begins, before the key manager has
 * picked the certificate, so the pick is foreseen here instead: the first unwrap reads the
 * ClientHello (without consuming it), and when the client asks for a staple (status_request),
 * the response for the certificate its SNI name gets is set on the engine before Conscrypt sees
 * a byte. A first record that has not fully arrived is answered BUFFER_UNDERFLOW, as Conscrypt
 * itself would, so that the ClientHello is read whole. Used by one connection's thread at a time.
 */
final class StaplingEngine extends ReleasingEngine {
    private final Function<ClientHello, byte[]> staples;
    private boolean decided;

    /** delegate, a Conscrypt engine, stapling what staples gives for the ClientHello (null: nothing). */
    StaplingEngine(SSLEngine delegate, Function<ClientHello, byte[]> staples) {
        this(delegate, staples, null);
    }

    /** As {@link #StaplingEngine(SSLEngine, Function)}, the handshake told to handshakes (null: not watched). */
    StaplingEngine(SSLEngine delegate, Function<ClientHello, byte[]> staples, HandshakeListener handshakes) {
        super(delegate, handshakes);
        this.staples = staples;
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
        if (!decided) {
            ClientHello hello = ClientHello.peek(src);
            if (!hello.complete() && !ClientHello.firstRecordComplete(src)) {
                return new SSLEngineResult(SSLEngineResult.Status.BUFFER_UNDERFLOW,
                        SSLEngineResult.HandshakeStatus.NEED_UNWRAP, 0, 0);
            }
            decided = true; // a ClientHello split over several records (rare): no staple, rather than waiting
            if (hello.complete() && hello.statusRequest()) {
                byte[] staple = staples.apply(hello);
                if (staple != null) {
                    ConscryptStapling.set(delegate, staple);
                }
            }
        }
        return super.unwrap(src, dsts, offset, length);
    }
}
