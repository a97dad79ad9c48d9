package dev.container.server;

import dev.container.tls.ReleasingEngine;
import io.undertow.protocols.alpn.ALPNProvider;
import javax.net.ssl.SSLEngine;
import org.conscrypt.Conscrypt;

/**
 * ALPN for Conscrypt's engines through Conscrypt's own calls. Undertow's JDK provider (priority
 * 200) goes through {@code SSLEngine.get/setSSLParameters}, and Conscrypt 2.9.0 answers each of
 * those on Java 17 by looking up {@code SSLParameters.getNamedGroups} reflectively, which only
 * Java 20 has: a failed {@code Class.getMethod} and a {@code NoSuchMethodException} with its stack
 * trace, twice per connection (about 2.5% of the server's CPU in a handshake profile). Found by
 * Undertow's ServiceLoader (META-INF/services); stateless and thread-safe.
 */
public final class ConscryptAlpn implements ALPNProvider {
    /** Above Undertow's JDK provider (200), below nothing else Undertow ships that would apply. */
    private static final int PRIORITY = 300;

    /** For ServiceLoader. */
    public ConscryptAlpn() {
    }

    /** The Conscrypt engine itself: ours come wrapped in a {@link ReleasingEngine}. */
    private static SSLEngine conscrypt(SSLEngine engine) {
        return engine instanceof ReleasingEngine releasing ? releasing.delegate() : engine;
    }

    @Override
    public boolean isEnabled(SSLEngine engine) {
        return Conscrypt.isConscrypt(conscrypt(engine));
    }

    @Override
    public SSLEngine setProtocols(SSLEngine engine, String[] protocols) {
        Conscrypt.setApplicationProtocols(conscrypt(engine), protocols);
        return engine;
    }

    @Override
    public String getSelectedProtocol(SSLEngine engine) {
        return Conscrypt.getApplicationProtocol(conscrypt(engine));
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }
}
