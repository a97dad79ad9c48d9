package dev.container.tls;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * BouncyCastle's provider, for what the JDK's cannot do (old PEM and PKCS#12 ciphers), passed
 * explicitly where it is needed: it is never registered with {@link java.security.Security}, so it
 * cannot change what the apps or the TLS provider pick.
 */
final class Bc {
    static final Provider PROVIDER = new BouncyCastleProvider();

    private Bc() {
    }
}
