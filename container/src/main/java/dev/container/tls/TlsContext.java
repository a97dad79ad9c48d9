package dev.container.tls;

import dev.container.StartupError;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's SSLContext: BoringSSL through Conscrypt where its native library loads (else the
 * JDK's provider, with one warning), certificates chosen by SNI ({@link SniKeyManager}).
 */
public final class TlsContext {
    private static final Logger log = LoggerFactory.getLogger("container");
    /** TLS 1.2 and 1.3 only, as Mozilla's "intermediate" configuration. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private TlsContext() {
    }

    public static SSLContext build(CertificateStore certificates) {
        Provider provider = null;
        if (Conscrypt.isAvailable()) {
            provider = Conscrypt.newProvider();
        } else {
            log.warn("Conscrypt's native library cannot load here ({}/{}); TLS uses the JDK's provider, which is slower",
                    System.getProperty("os.name"), System.getProperty("os.arch"));
        }
        try {
            SSLContext context = provider == null ? SSLContext.getInstance("TLS") : SSLContext.getInstance("TLS", provider);
            context.init(new KeyManager[] {new SniKeyManager(certificates)}, null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new StartupError("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
