package dev.container.tls;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * Answers ACME tls-alpn-01 (RFC 8737) on the HTTPS listeners: the server's SSLContext wrapped so
 * that each engine peeks at the ClientHello before the real engine reads it; when the client
 * offers ALPN {@code acme-tls/1} for a name with a challenge certificate in the
 * {@link CertificateStore}, the engine negotiates {@code acme-tls/1} and the {@link SniKeyManager}
 * (told through {@link AcmeTlsAlpn} on the thread that picks the certificate) serves the
 * challenge certificate. Every other handshake passes through unchanged. Why a wrapper: a JSSE
 * key manager sees the SNI name but not the ALPN offer, and BoringSSL negotiates ALPN only after
 * the certificate is chosen.
 */
public final class TlsAlpnChallenges {
    private TlsAlpnChallenges() {
    }

    /** base, with tls-alpn-01 answered from store. */
    public static SSLContext wrap(SSLContext base, CertificateStore store) {
        return EngineContext.wrap(base, engine -> new Engine(engine, store), parameters -> parameters);
    }

    /** The real engine, with the ClientHello peeked at until it has been read whole. */
    static final class Engine extends DelegatingEngine {
        private final CertificateStore store;
        /** Until the first ClientHello is read: then whether it asked for a challenge certificate. */
        private boolean decided;
        private volatile boolean challenge;
        /** The start of a ClientHello split over unwrap calls (rare: it arrived in pieces). */
        private ByteBuffer pending;

        Engine(SSLEngine delegate, CertificateStore store) {
            super(delegate);
            this.store = store;
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
            if (!decided) {
                peek(src);
            }
            if (!challenge) {
                return delegate.unwrap(src, dsts, offset, length);
            }
            return AcmeTlsAlpn.with(true, () -> delegate.unwrap(src, dsts, offset, length));
        }

        private void peek(ByteBuffer src) {
            if (!store.answeringChallenges() && pending == null) {
                // nothing to answer: an ordinary handshake, decided at once at the cost of one check
                decided = true;
                return;
            }
            ByteBuffer bytes = src;
            if (pending != null) {
                bytes = ByteBuffer.allocate(pending.remaining() + src.remaining());
                bytes.put(pending.duplicate()).put(src.duplicate()).flip();
            }
            ClientHello hello = ClientHello.peek(bytes);
            if (!hello.complete()) {
                // the engine buffers what it was given: keep a copy to parse with the rest
                ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
                copy.put(bytes.duplicate()).flip();
                pending = copy.remaining() > (1 << 16) ? null : copy;
                decided = pending == null;
                return;
            }
            decided = true;
            pending = null;
            if (hello.serverName() != null && hello.protocols().contains(AcmeTlsAlpn.PROTOCOL)
                    && store.challenge(hello.serverName()) != null) {
                challenge = true;
                // RFC 8737 §3: the server must negotiate acme-tls/1 and nothing else
                SSLParameters parameters = delegate.getSSLParameters();
                parameters.setApplicationProtocols(new String[] {AcmeTlsAlpn.PROTOCOL});
                delegate.setSSLParameters(parameters);
                delegate.setHandshakeApplicationProtocolSelector((engine, offered) ->
                        offered.contains(AcmeTlsAlpn.PROTOCOL) ? AcmeTlsAlpn.PROTOCOL : null);
            }
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
            if (!challenge) {
                return delegate.wrap(srcs, offset, length, dst);
            }
            return AcmeTlsAlpn.with(true, () -> delegate.wrap(srcs, offset, length, dst));
        }

        @Override
        public Runnable getDelegatedTask() {
            Runnable task = delegate.getDelegatedTask();
            if (task == null || !challenge) {
                return task;
            }
            // the JDK's provider picks the certificate in a delegated task, maybe on another thread
            return () -> AcmeTlsAlpn.with(true, () -> {
                task.run();
                return null;
            });
        }

        /**
         * For a challenge handshake, "" (none): Undertow knows no acme-tls/1 listener and would fail;
         * with "" it falls back to HTTP/1.1, and the CA closes the connection after the handshake
         * anyway (RFC 8737 §3).
         */
        @Override
        public String getApplicationProtocol() {
            return challenge ? "" : delegate.getApplicationProtocol();
        }
    }
}
