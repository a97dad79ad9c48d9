package dev.container.tls;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.conscrypt.Conscrypt;

/**
 * An SSLContext that hands out its delegate's engines set up for a server: our protocols and
 * cipher suites, and with Conscrypt, session tickets on. Undertow creates each connection's
 * engine through {@link SSLContext#createSSLEngine(String, int)}, and Conscrypt's per-engine
 * switches have no context-wide default, so the engine's creation is the one place to set them.
 * Conscrypt's engines come wrapped in {@link ReleasingEngine}, which frees their native state when
 * the connection closes; the JDK's are its own objects. Socket factories are the delegate's, unconfigured: the server uses engines only. Thread-safe.
 */
final class ServerEngines extends SSLContextSpi {
    private final SSLContext delegate;
    private final String[] protocols;
    private final String[] cipherSuites;
    private final boolean conscrypt;

    private ServerEngines(SSLContext delegate, List<String> cipherSuites, boolean conscrypt) {
        this.delegate = delegate;
        this.protocols = TlsContext.PROTOCOLS.toArray(String[]::new);
        this.cipherSuites = cipherSuites.toArray(String[]::new);
        this.conscrypt = conscrypt;
    }

    /** An initialized context whose engines come from delegate (initialized too), configured. */
    static SSLContext wrap(SSLContext delegate, List<String> cipherSuites, boolean conscrypt) {
        return new SSLContext(new ServerEngines(delegate, cipherSuites, conscrypt), delegate.getProvider(),
                delegate.getProtocol()) {
        };
    }

    private SSLEngine configure(SSLEngine engine) {
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(protocols);
        engine.setEnabledCipherSuites(cipherSuites);
        if (conscrypt) {
            // BoringSSL as Conscrypt sets it up sends no session ticket (SSL_OP_NO_TICKET), and TLS 1.3
            // resumes by tickets only: without this no TLS 1.3 client ever resumes. BoringSSL makes
            // and rotates the ticket keys itself.
            Conscrypt.setUseSessionTickets(engine, true);
            return new ReleasingEngine(engine);
        }
        return engine;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
        throw new KeyManagementException("already initialized");
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        return configure(delegate.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        return configure(delegate.createSSLEngine(host, port));
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        return delegate.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        return delegate.getClientSessionContext();
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        return delegate.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        return delegate.getServerSocketFactory();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        SSLParameters parameters = delegate.getDefaultSSLParameters();
        parameters.setProtocols(protocols);
        parameters.setCipherSuites(cipherSuites);
        return parameters;
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return delegate.getSupportedSSLParameters();
    }
}
