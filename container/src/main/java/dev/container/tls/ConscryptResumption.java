package dev.container.tls;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a Conscrypt engine's handshake resumed a session: BoringSSL's {@code SSL_session_reused},
 * which Conscrypt calls but does not publish. Neither the JSSE session (BoringSSL keeps its
 * creation time in whole seconds and renews it on a TLS 1.3 resumption) nor the key manager (asked
 * on every handshake, resumed or not) can tell. Reached reflectively, as {@code Gate} reaches
 * Undertow's HTTP/2 channel: the ConscryptEngine inside Conscrypt's Java 8 wrapper
 * ({@code Java8EngineWrapper.getDelegate}), its {@code ssl} (a NativeSsl), that one's native address
 * and {@code NativeCrypto.SSL_session_reused(long, NativeSsl)}. When a Conscrypt release renames them,
 * {@link #available} is false, one warning says so, and every handshake counts as full
 * (HandshakeWatchTest checks that they are found). Thread-safe.
 */
final class ConscryptResumption {
    private static final Logger log = LoggerFactory.getLogger("container");
    private static final MethodHandle UNWRAP;
    private static final VarHandle ENGINE_SSL;
    private static final VarHandle SSL_ADDRESS;
    private static final MethodHandle REUSED;

    static {
        MethodHandle unwrap = null;
        VarHandle engineSsl = null;
        VarHandle address = null;
        MethodHandle reused = null;
        try {
            Class<?> engine = Class.forName("org.conscrypt.ConscryptEngine");
            Class<?> nativeSsl = Class.forName("org.conscrypt.NativeSsl");
            Class<?> crypto = Class.forName("org.conscrypt.NativeCrypto");
            Class<?> wrapper = Class.forName("org.conscrypt.Java8EngineWrapper");
            unwrap = MethodHandles.privateLookupIn(wrapper, MethodHandles.lookup()).findStatic(wrapper, "getDelegate",
                    MethodType.methodType(SSLEngine.class, SSLEngine.class));
            engineSsl = MethodHandles.privateLookupIn(engine, MethodHandles.lookup()).findVarHandle(engine, "ssl", nativeSsl);
            address = MethodHandles.privateLookupIn(nativeSsl, MethodHandles.lookup()).findVarHandle(nativeSsl, "ssl", long.class);
            reused = MethodHandles.privateLookupIn(crypto, MethodHandles.lookup()).findStatic(crypto, "SSL_session_reused",
                    MethodType.methodType(boolean.class, long.class, nativeSsl));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            log.warn("TLS metrics: this Conscrypt does not let resumed handshakes be told from full ones ({});"
                    + " all count as full", e.toString());
            unwrap = null;
            engineSsl = null;
            address = null;
            reused = null;
        }
        UNWRAP = unwrap;
        ENGINE_SSL = engineSsl;
        SSL_ADDRESS = address;
        REUSED = reused;
    }

    private ConscryptResumption() {
    }

    static boolean available() {
        return REUSED != null;
    }

    /** Whether engine (Conscrypt's own, its handshake just finished) resumed a session; false when unknown. */
    static boolean resumed(SSLEngine engine) {
        if (REUSED == null) {
            return false;
        }
        try {
            Object ssl = ENGINE_SSL.get((SSLEngine) UNWRAP.invoke(engine));
            if (ssl == null) {
                return false;
            }
            long address = (long) SSL_ADDRESS.get(ssl);
            return address != 0 && (boolean) REUSED.invoke(address, ssl);
        } catch (Throwable e) { // a wrong type or a freed engine: not worth failing a handshake for
            return false;
        }
    }
}
