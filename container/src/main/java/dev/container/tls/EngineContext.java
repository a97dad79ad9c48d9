package dev.container.tls;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An initialized SSLContext whose engines are an initialized delegate's, each passed through a
 * function on its way out (to configure it, or to wrap it). Undertow makes every connection's
 * engine with {@link SSLContext#createSSLEngine(String, int)}, so that call is the one place to
 * act on each connection: {@link ServerEngines} sets protocols, suites and session tickets there,
 * {@link TlsAlpnChallenges} wraps the engine to answer ACME. Everything else (session contexts,
 * socket factories) is the delegate's. Thread-safe when the functions are.
 */
final class EngineContext extends SSLContextSpi {
    private final SSLContext delegate;
    private final UnaryOperator<SSLEngine> engines;
    private final UnaryOperator<SSLParameters> defaults;

    private EngineContext(SSLContext delegate, UnaryOperator<SSLEngine> engines, UnaryOperator<SSLParameters> defaults) {
        this.delegate = delegate;
        this.engines = engines;
        this.defaults = defaults;
    }

    /**
     * delegate, with each engine passed through engines and the default parameters through
     * defaults (given a fresh copy each time).
     */
    static SSLContext wrap(SSLContext delegate, UnaryOperator<SSLEngine> engines, UnaryOperator<SSLParameters> defaults) {
        return new SSLContext(new EngineContext(delegate, engines, defaults), delegate.getProvider(),
                delegate.getProtocol()) {
        };
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
        throw new KeyManagementException("already initialized");
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        return engines.apply(delegate.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        return engines.apply(delegate.createSSLEngine(host, port));
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
        return defaults.apply(delegate.getDefaultSSLParameters());
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return delegate.getSupportedSSLParameters();
    }
}
