package dev.container.tls;

import dev.container.StartupError;
import dev.container.config.TlsProfile;
import dev.container.config.TlsProvider;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.X509ExtendedKeyManager;
import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS: an SSLContext from BoringSSL through Conscrypt or from the JDK's provider
 * ({@link TlsProvider}), certificates chosen by SNI ({@link SniKeyManager}), and every engine it
 * creates set up for a server ({@link ServerEngines}): the protocols and cipher suites of Mozilla's
 * configuration that the {@link TlsProfile} names, session resumption on, and with Conscrypt, OCSP
 * responses stapled ({@link OcspStaples}). Built once at start; the SSLContext is thread-safe, as
 * JSSE's are.
 */
public final class TlsContext {
    private static final Logger log = LoggerFactory.getLogger("container");
    /** TLS 1.2 and 1.3 only, as Mozilla's "intermediate" configuration. */
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** TLS 1.3 only, as Mozilla's "modern" configuration. */
    static final List<String> MODERN_PROTOCOLS = List.of("TLSv1.3");
    /**
     * Mozilla's "intermediate" suites (guidelines v5.7) in its order: for TLS 1.2 only ECDHE with
     * AES-GCM or ChaCha20-Poly1305 (BoringSSL has no finite-field DHE, the JDK would offer it with
     * weak groups); TLS 1.3's three, which are its defaults. No CBC, no RSA key exchange, no SHA-1.
     * The "modern" profile keeps the list: with TLS 1.3 alone only its three can be negotiated, and
     * Conscrypt needs the TLS 1.2 ones enabled to know which key types to ask the key manager for.
     */
    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    /**
     * Sessions kept for TLS 1.2 clients that resume by session id (tickets need no server state):
     * about what nginx's 10 MiB cache in Mozilla's configuration holds.
     */
    static final int SESSION_CACHE_SIZE = 20_000;
    /** SunJSSE's switch for client-initiated renegotiation. */
    private static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";
    /** How long a session or ticket may be resumed: Mozilla's {@code ssl_session_timeout 1d}. */
    static final int SESSION_TIMEOUT_SECONDS = 24 * 60 * 60;

    private final SSLContext context;
    private final TlsProvider provider;
    private final String description;

    private TlsContext(SSLContext context, TlsProvider provider, String description) {
        this.context = context;
        this.provider = provider;
        this.description = description;
    }

    /**
     * The context for these certificates with the chosen provider and profile; logs which provider
     * it is. With Conscrypt, staples the responses staples fetches once it is started (the
     * container starts it as a service); the JDK's provider cannot staple a response it is given,
     * which staples then logs once, and its start does nothing. A
     * {@link StartupError} when {@code conscrypt} is demanded and cannot load.
     */
    public static TlsContext build(CertificateStore certificates, TlsProvider choice, TlsProfile profile,
                                   OcspStaples staples) {
        return build(certificates, choice, profile, staples, null);
    }

    /** As {@link #build(CertificateStore, TlsProvider, TlsProfile, OcspStaples)}, each handshake's end told to handshakes (null: none). */
    public static TlsContext build(CertificateStore certificates, TlsProvider choice, TlsProfile profile,
                                   OcspStaples staples, HandshakeListener handshakes) {
        boolean conscrypt = useConscrypt(choice, choice == TlsProvider.JDK ? null : conscryptProblem());
        try {
            SSLContext delegate;
            String description;
            SniKeyManager sni = new SniKeyManager(certificates);
            X509ExtendedKeyManager keys = sni;
            if (conscrypt) {
                Provider provider = Conscrypt.newProvider();
                delegate = SSLContext.getInstance("TLS", provider);
                keys = new NativeKeys(keys, provider);
                Conscrypt.Version v = Conscrypt.version();
                description = "Conscrypt " + v.major() + "." + v.minor() + "." + v.patch() + " (BoringSSL)";
            } else {
                rejectClientRenegotiation();
                delegate = SSLContext.getInstance("TLS", "SunJSSE");
                description = "the JDK's provider (SunJSSE, Java " + Runtime.version().feature() + ")";
            }
            delegate.init(new KeyManager[] {keys}, null, null);
            SSLSessionContext sessions = delegate.getServerSessionContext();
            sessions.setSessionCacheSize(SESSION_CACHE_SIZE);
            sessions.setSessionTimeout(SESSION_TIMEOUT_SECONDS);
            List<String> suites = supported(delegate);
            TlsProvider resolved = conscrypt ? TlsProvider.CONSCRYPT : TlsProvider.JDK;
            log.info("TLS through {}, {}", description, profile == TlsProfile.MODERN
                    ? "TLS 1.3 only (tls-profile modern)" : "TLS 1.2 and 1.3 (tls-profile intermediate)");
            String noStapling = conscrypt ? ConscryptStapling.problem(delegate.createSSLEngine())
                    : "the JDK's provider, which cannot be given a response to staple";
            if (noStapling != null) {
                staples.unsupported(noStapling); // then its start does nothing
            }
            return new TlsContext(ServerEngines.wrap(delegate, protocols(profile), suites, conscrypt, staples, sni,
                    handshakes),
                    resolved, description);
        } catch (GeneralSecurityException e) {
            throw new StartupError("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * Makes SunJSSE refuse renegotiations that clients start (TLS 1.2; TLS 1.3 has none): each
     * costs the server a full handshake, a cheap way to burn its CPU (testssl rates it HIGH,
     * "DoS threat"). BoringSSL never renegotiates as a server. SunJSSE reads the property once,
     * when its first server handshake runs, which is after this; a value given with -D stays.
     */
    static void rejectClientRenegotiation() {
        if (System.getProperty(REJECT_RENEGOTIATION) == null) {
            System.setProperty(REJECT_RENEGOTIATION, "true");
        }
    }

    /** The protocols of a profile, newest first. */
    static List<String> protocols(TlsProfile profile) {
        return profile == TlsProfile.MODERN ? MODERN_PROTOCOLS : PROTOCOLS;
    }

    /** Of {@link #CIPHER_SUITES}, those the provider has, in that order. */
    private static List<String> supported(SSLContext context) {
        Set<String> supported = Set.of(context.getSupportedSSLParameters().getCipherSuites());
        return CIPHER_SUITES.stream().filter(supported::contains).toList();
    }

    /** Why Conscrypt cannot load here, or null when it can. Loads its native library on first call. */
    private static String conscryptProblem() {
        try {
            Conscrypt.checkAvailability();
            return null;
        } catch (Throwable e) { // UnsatisfiedLinkError and the like: a platform without a native build
            return System.getProperty("os.name") + "/" + System.getProperty("os.arch") + ": " + e;
        }
    }

    /**
     * Whether to use Conscrypt given the choice and why it cannot load (null: it can). Under
     * {@code auto} a Conscrypt that cannot load gives one warning and the JDK's provider; under
     * {@code conscrypt} it is a {@link StartupError}.
     */
    static boolean useConscrypt(TlsProvider choice, String problem) {
        return switch (choice) {
            case JDK -> false;
            case CONSCRYPT -> {
                if (problem != null) {
                    throw new StartupError("tls-provider conscrypt: Conscrypt's native library cannot load ("
                            + problem + "); use --tls-provider jdk or auto", null);
                }
                yield true;
            }
            case AUTO -> {
                if (problem != null) {
                    log.warn("Conscrypt's native library cannot load ({}); TLS uses the JDK's provider, which "
                            + "takes several times the CPU per handshake (set tls-provider = jdk to silence this)", problem);
                }
                yield problem == null;
            }
        };
    }

    /** The context Undertow's HTTPS listeners create their engines from. */
    public SSLContext sslContext() {
        return context;
    }

    /** The provider in use: {@link TlsProvider#CONSCRYPT} or {@link TlsProvider#JDK}, never auto. */
    public TlsProvider provider() {
        return provider;
    }

    /** The provider as the start-up log names it, e.g. "Conscrypt 2.9.0 (BoringSSL)". */
    public String description() {
        return description;
    }
}
