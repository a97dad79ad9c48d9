package dev.container.tls;

import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.conscrypt.Conscrypt;

/**
 * The engines of the server's SSLContext, set up for a server (through {@link EngineContext}): our protocols and
 * cipher suites, and with Conscrypt, session tickets on and OCSP responses stapled. Undertow creates each connection's
 * engine through {@link SSLContext#createSSLEngine(String, int)}, and Conscrypt's per-engine
 * switches have no context-wide default, so the engine's creation is the one place to set them.
 * Conscrypt's engines come wrapped in {@link ReleasingEngine}, which frees their native state when
 * the connection closes (a {@link StaplingEngine} while any certificate has an OCSP response to
 * staple); the JDK's are its own objects, or a {@link WatchedEngine} when the handshakes are
 * counted (Conscrypt's engines are watched inside ReleasingEngine). Socket factories are the delegate's,
 * unconfigured: the server uses engines only. Thread-safe.
 */
final class ServerEngines {
    private final String[] protocols;
    private final String[] cipherSuites;
    private final boolean conscrypt;
    private final OcspStaples staples;
    private final Function<ClientHello, byte[]> stapleFor;
    private final HandshakeListener handshakes;

    private ServerEngines(List<String> protocols, List<String> cipherSuites, boolean conscrypt, OcspStaples staples,
                          SniKeyManager keys, HandshakeListener handshakes) {
        this.handshakes = handshakes;
        this.protocols = protocols.toArray(String[]::new);
        this.cipherSuites = cipherSuites.toArray(String[]::new);
        this.conscrypt = conscrypt;
        this.staples = staples;
        this.stapleFor = hello -> {
            KeyedCertificate served = keys.served(hello);
            return served == null ? null : staples.staple(served.leaf());
        };
    }

    /**
     * An initialized context whose engines come from delegate (initialized too), configured; with
     * Conscrypt they staple the responses in staples for the certificates keys picks; each handshake's
     * end is told to handshakes (null: not watched).
     */
    static SSLContext wrap(SSLContext delegate, List<String> protocols, List<String> cipherSuites, boolean conscrypt,
                           OcspStaples staples, SniKeyManager keys, HandshakeListener handshakes) {
        ServerEngines engines = new ServerEngines(protocols, cipherSuites, conscrypt, staples, keys, handshakes);
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
            // its copies of heap buffers through the thread's buffer, not one of the engine's own
            Conscrypt.setBufferAllocator(engine, ThreadBuffers.ALLOCATOR);
            return staples.any() ? new StaplingEngine(engine, stapleFor, handshakes) : new ReleasingEngine(engine, handshakes);
        }
        return handshakes == null ? engine : new WatchedEngine(engine, handshakes, false);
    }

    private SSLParameters defaults(SSLParameters parameters) {
        parameters.setProtocols(protocols);
        parameters.setCipherSuites(cipherSuites);
        return parameters;
    }
}
