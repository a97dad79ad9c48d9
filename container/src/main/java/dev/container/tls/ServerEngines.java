package dev.container.tls;

import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.conscrypt.Conscrypt;

/**
 * The engines of the server's SSLContext, set up for a server (through {@link EngineContext}): our protocols and
 * cipher suites, and with Conscrypt, session tickets on. Undertow creates each connection's
 * engine through {@link SSLContext#createSSLEngine(String, int)}, and Conscrypt's per-engine
 * switches have no context-wide default, so the engine's creation is the one place to set them.
 * Conscrypt's engines come wrapped in {@link ReleasingEngine}, which frees their native state when
 * the connection closes; the JDK's are its own objects. Socket factories are the delegate's,
 * unconfigured: the server uses engines only. Thread-safe.
 */
final class ServerEngines {
    private final String[] protocols;
    private final String[] cipherSuites;
    private final boolean conscrypt;

    private ServerEngines(List<String> cipherSuites, boolean conscrypt) {
        this.protocols = TlsContext.PROTOCOLS.toArray(String[]::new);
        this.cipherSuites = cipherSuites.toArray(String[]::new);
        this.conscrypt = conscrypt;
    }

    /** An initialized context whose engines come from delegate (initialized too), configured. */
    static SSLContext wrap(SSLContext delegate, List<String> cipherSuites, boolean conscrypt) {
        ServerEngines engines = new ServerEngines(cipherSuites, conscrypt);
        return EngineContext.wrap(delegate, engines::configure, engines::defaults);
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

    private SSLParameters defaults(SSLParameters parameters) {
        parameters.setProtocols(protocols);
        parameters.setCipherSuites(cipherSuites);
        return parameters;
    }
}
