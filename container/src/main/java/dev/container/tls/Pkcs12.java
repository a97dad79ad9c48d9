package dev.container.tls;

import dev.container.StartupError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Reads a PKCS#12 file (.p12, .pfx: what Windows, Java's keytool and {@code openssl pkcs12 -export}
 * write) holding one private key and its chain. The JDK reads the modern ciphers; BouncyCastle's
 * provider the legacy ones older tools still write (RC2, 3DES).
 */
final class Pkcs12 {
    private Pkcs12() {
    }

    static KeyedCertificate read(Path file, Optional<String> password) {
        char[] secret = password.orElse("").toCharArray();
        KeyStore store = load(file, secret);
        try {
            List<String> aliases = Collections.list(store.aliases());
            for (String alias : aliases) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                Key key = store.getKey(alias, secret);
                Certificate[] chain = store.getCertificateChain(alias);
                if (key instanceof PrivateKey privateKey && chain != null && chain.length > 0) {
                    List<X509Certificate> certificates = new ArrayList<>();
                    for (Certificate c : chain) {
                        certificates.add((X509Certificate) c);
                    }
                    return KeyedCertificate.checked(file, file, certificates, privateKey);
                }
            }
        } catch (UnrecoverableKeyException e) {
            throw new StartupError(file + ": wrong password for the private key in this PKCS#12 file", e);
        } catch (GeneralSecurityException e) {
            throw new StartupError(file + ": cannot read the key in this PKCS#12 file: " + e.getMessage(), e);
        }
        throw new StartupError(file + ": no private key with its certificate in this PKCS#12 file", null);
    }

    private static KeyStore load(Path file, char[] secret) {
        IOException first = null;
        for (String provider : new String[] {null, "BC"}) {
            try (InputStream in = Files.newInputStream(file)) {
                KeyStore store = provider == null ? KeyStore.getInstance("PKCS12")
                        : KeyStore.getInstance("PKCS12", Bc.PROVIDER);
                store.load(in, secret);
                return store;
            } catch (IOException e) {
                if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                    throw new StartupError(file + ": wrong password for this PKCS#12 file", e);
                }
                if (first == null) {
                    first = e;
                }
            } catch (GeneralSecurityException e) {
                throw new StartupError(file + ": cannot read this PKCS#12 file: " + e.getMessage(), e);
            }
        }
        throw new StartupError(file + ": not a PKCS#12 file (" + first.getMessage() + ")", first);
    }
}
