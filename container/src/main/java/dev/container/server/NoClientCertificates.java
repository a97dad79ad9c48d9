package dev.container.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RenegotiationRequiredException;
import io.undertow.server.SSLSessionInfo;
import java.io.IOException;
import java.security.cert.Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.xnio.SslClientAuthMode;

/**
 * On our HTTP/2 over TLS connections, answers "no client certificate" without asking the engine.
 * Undertow's servlet chain (SSLInformationAssociationHandler) asks every request for the peer's
 * certificates; over HTTP/2 Undertow passes that to the SSLSession each time, and both Conscrypt
 * and the JDK answer a client without a certificate with a new SSLPeerUnverifiedException and its
 * stack trace: about 6% of the server's CPU for an h2 hello (HTTP/1.1 connections cache the
 * answer already). Our listeners never request client certificates, so the answer cannot change;
 * when client-certificate authentication comes, this handler must go for those listeners.
 * Stateless and thread-safe.
 */
final class NoClientCertificates implements HttpHandler {
    /** Shared and without a stack trace: thrown for every request, caught at once by Undertow. */
    private static final SSLPeerUnverifiedException NONE = new SSLPeerUnverifiedException("no client certificate") {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    private final HttpHandler next;

    NoClientCertificates(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        SSLSessionInfo info = exchange.getConnection().getSslSessionInfo();
        if (info != null && !(info instanceof Without)) {
            exchange.getConnection().setSslSessionInfo(new Without(info));
        }
        next.handleRequest(exchange);
    }

    /** The connection's TLS facts, less the question of a client certificate. */
    private record Without(SSLSessionInfo delegate) implements SSLSessionInfo {
        @Override
        public byte[] getSessionId() {
            return delegate.getSessionId();
        }

        @Override
        public String getCipherSuite() {
            return delegate.getCipherSuite();
        }

        @Override
        public int getKeySize() {
            return delegate.getKeySize();
        }

        @Override
        public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
            throw NONE;
        }

        @Override
        @SuppressWarnings("removal")
        public javax.security.cert.X509Certificate[] getPeerCertificateChain() throws SSLPeerUnverifiedException {
            throw NONE;
        }

        @Override
        public void renegotiate(HttpServerExchange exchange, SslClientAuthMode mode) throws IOException {
            delegate.renegotiate(exchange, mode);
        }

        @Override
        public SSLSession getSSLSession() {
            return delegate.getSSLSession();
        }
    }
}
