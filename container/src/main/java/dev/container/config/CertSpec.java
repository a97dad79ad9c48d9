package dev.container.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A certificate chain and its private key for the HTTPS listeners: two PEM files (the chain leaf
 * first, the key), or one PKCS#12 file holding both, in which case {@code key} is that same file.
 *
 * @param password the PKCS#12 file's password, or an encrypted PEM key's; empty when there is none
 */
public record CertSpec(Path cert, Path key, Optional<String> password) {
    /** A PEM pair with an unencrypted key. */
    public CertSpec(Path cert, Path key) {
        this(cert, key, Optional.empty());
    }

    /** A PKCS#12 file with its password. */
    public static CertSpec pkcs12(Path file, Optional<String> password) {
        return new CertSpec(file, file, password);
    }

    public boolean isPkcs12() {
        return cert.equals(key);
    }

    /**
     * Whether file looks like DER (PKCS#12) rather than PEM text: it starts with an ASN.1 SEQUENCE
     * byte where PEM starts with text. False when it cannot be read (reading it later says why).
     */
    public static boolean looksLikePkcs12(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x30;
        } catch (IOException e) {
            return false;
        }
    }

    /** Passwords stay out of logs and error messages. */
    @Override
    public String toString() {
        return "CertSpec[cert=" + cert + ", key=" + key + (password.isPresent() ? ", password=***" : "") + "]";
    }
}
