package dev.container.tls;

import dev.container.StartupError;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.time.Instant;
import dev.container.config.CertSpec;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A certificate chain and its private key, read from PEM files (the chain, leaf first; the key as
 * PKCS#8, PKCS#1 RSA or SEC1 EC, encrypted or not) or from one PKCS#12 file, with the host names it
 * covers (DNS subject alternative names, else the subject's CN). Immutable. A certificate read
 * with {@link #deferred} has its chain now and its key from the first {@link #key()} on (read and
 * checked then, kept in a bounded {@link KeyCache}): with thousands of certificates, checking every
 * key at start (a signature and its verification each) would take seconds per thousand.
 */
public record KeyedCertificate(Path certFile, List<X509Certificate> chain, PrivateKey key, Set<String> names) {
    public KeyedCertificate {
        chain = List.copyOf(chain);
        names = Set.copyOf(names);
    }

    /**
     * The private key, read and checked now if it was deferred; null when a deferred key does not
     * read or does not belong to the certificate (logged once, naming the file: handshakes that
     * would serve this certificate fail).
     */
    @Override
    public PrivateKey key() {
        return key instanceof DeferredKey deferred ? deferred.load() : key;
    }

    /** The key's algorithm ("EC", "RSA", "Ed25519"), without reading a deferred key. */
    public String keyAlgorithm() {
        return key.getAlgorithm();
    }

    /**
     * The chain of spec read and checked now, its key on first use (see {@link KeyCache}): a
     * {@link StartupError} names a certificate file that does not read or a key file that is not
     * there. A PKCS#12 file is read whole now, as its key comes with the chain.
     */
    public static KeyedCertificate deferred(CertSpec spec, KeyCache cache) {
        if (spec.isPkcs12()) {
            return read(spec);
        }
        List<X509Certificate> chain = new ArrayList<>();
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(spec.cert()))) {
            for (var c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) c);
            }
        } catch (IOException | CertificateException e) {
            chain.clear(); // said below in this file's terms, as the full reader says it
        }
        if (chain.isEmpty() && CertSpec.looksLikePkcs12(spec.cert())) {
            throw new StartupError(spec.cert() + ": this is a PKCS#12 file, not PEM: give it alone, without a key file", null);
        }
        if (chain.isEmpty() && pemObjects(spec.cert()).stream().anyMatch(o -> o instanceof X509CertificateHolder)) {
            throw new StartupError(spec.cert() + ": not a valid certificate", null);
        }
        if (chain.isEmpty()) {
            throw new StartupError(spec.cert() + ": no certificate in it (expected PEM: -----BEGIN CERTIFICATE-----)", null);
        }
        if (!Files.isReadable(spec.key())) {
            throw new StartupError(spec.key() + ": cannot read the key file", null);
        }
        Set<String> names = names(chain.get(0));
        return new KeyedCertificate(spec.cert(), chain, new DeferredKey(spec, chain, names, cache), names);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** Reads and checks what spec names; a {@link StartupError} names the file and what is wrong with it. */
    public static KeyedCertificate read(CertSpec spec) {
        return spec.isPkcs12() ? Pkcs12.read(spec.cert(), spec.password())
                : read(spec.cert(), spec.key(), spec.password());
    }

    /** Reads and checks a PEM pair with an unencrypted key. */
    public static KeyedCertificate read(Path certFile, Path keyFile) {
        return read(certFile, keyFile, Optional.empty());
    }

    private static KeyedCertificate read(Path certFile, Path keyFile, Optional<String> password) {
        if (CertSpec.looksLikePkcs12(certFile)) {
            throw new StartupError(certFile + ": this is a PKCS#12 file, not PEM: give it alone, without a key file", null);
        }
        return read(certFile, pemObjects(certFile), keyFile, pemObjects(keyFile), password);
    }

    /**
     * Reads and checks a chain and its unencrypted key from PEM text held in memory (as a
     * database keeps it); where names it in messages, and becomes {@link #certFile()}.
     */
    public static KeyedCertificate parse(Path where, byte[] pem) {
        List<Object> objects = pemObjects(where, new java.io.StringReader(new String(pem, StandardCharsets.US_ASCII)));
        return read(where, objects, where, objects, Optional.empty());
    }

    private static KeyedCertificate read(Path certFile, List<Object> certObjects, Path keyFile, List<Object> keyObjects,
                                         Optional<String> password) {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter certs = new JcaX509CertificateConverter();
        for (Object o : certObjects) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    chain.add(certs.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new StartupError(certFile + ": not a valid certificate: " + e.getMessage(), e);
                }
            }
        }
        if (chain.isEmpty()) {
            throw new StartupError(certFile + ": no certificate in it (expected PEM: -----BEGIN CERTIFICATE-----)", null);
        }
        return read(certFile, keyFile, keyObjects, password, chain);
    }

    /** The pair of chain (read already) and the key in keyObjects, once checked. */
    static KeyedCertificate read(Path certFile, Path keyFile, List<Object> keyObjects, Optional<String> password,
                                 List<X509Certificate> chain) {
        PrivateKey key = null;
        JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
        try {
            for (Object o : keyObjects) {
                if (o instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                    o = decrypt(keyFile, encrypted, password);
                } else if (o instanceof PEMEncryptedKeyPair encrypted) {
                    o = decrypt(keyFile, encrypted, password);
                }
                if (o instanceof PrivateKeyInfo info) {
                    key = keys.getPrivateKey(info);
                } else if (o instanceof PEMKeyPair pair) {
                    // PKCS#1 RSA or SEC1 EC; a SEC1 key may leave out its public part
                    key = pair.getPublicKeyInfo() != null ? keys.getKeyPair(pair).getPrivate()
                            : keys.getPrivateKey(pair.getPrivateKeyInfo());
                }
            }
        } catch (PEMException e) {
            throw new StartupError(keyFile + ": not a usable private key: " + e.getMessage(), e);
        }
        if (key == null) {
            throw new StartupError(keyFile + ": no private key in it (expected PEM: PRIVATE KEY, RSA PRIVATE KEY, "
                    + "EC PRIVATE KEY or ENCRYPTED PRIVATE KEY)", null);
        }
        return checked(certFile, keyFile, chain, key);
    }

    /**
     * A chain and key held in memory (one just issued that could not be stored), checked as
     * {@link #read(Path, Path)} checks files; certFile names where it belongs.
     */
    public static KeyedCertificate of(Path certFile, List<X509Certificate> chain, PrivateKey key) {
        return checked(certFile, certFile, chain, key);
    }

    /** The pair, once the key is shown to belong to the leaf certificate. */
    static KeyedCertificate checked(Path certFile, Path keyFile, List<X509Certificate> chain, PrivateKey key) {
        if (!key.getAlgorithm().equals(chain.get(0).getPublicKey().getAlgorithm())
                || !Keys.match(key, chain.get(0).getPublicKey())) {
            throw new StartupError(keyFile.equals(certFile)
                    ? certFile + ": its private key does not belong to its certificate"
                    : keyFile + ": this key does not belong to the certificate in " + certFile, null);
        }
        return new KeyedCertificate(certFile, chain, key, names(chain.get(0)));
    }

    private static PrivateKeyInfo decrypt(Path keyFile, PKCS8EncryptedPrivateKeyInfo encrypted, Optional<String> password) {
        char[] secret = secret(keyFile, password);
        try {
            return encrypted.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                    .setProvider(Bc.PROVIDER).build(secret));
        } catch (OperatorCreationException | PKCSException e) {
            throw new StartupError(keyFile + ": wrong password for the encrypted key (or an unsupported cipher)", e);
        }
    }

    private static PEMKeyPair decrypt(Path keyFile, PEMEncryptedKeyPair encrypted, Optional<String> password) {
        char[] secret = secret(keyFile, password);
        try {
            return encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(Bc.PROVIDER).build(secret));
        } catch (IOException e) {
            throw new StartupError(keyFile + ": wrong password for the encrypted key (or an unsupported cipher)", e);
        }
    }

    private static char[] secret(Path keyFile, Optional<String> password) {
        return password.orElseThrow(() -> new StartupError(keyFile
                + ": the key is encrypted: give its password (password = \"...\" beside key in certificates)", null))
                .toCharArray();
    }

    /** When the leaf certificate stops being valid. */
    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** Whether the leaf certificate covers host (exactly, or by a wildcard for its first label). */
    public boolean covers(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (names.contains(h)) {
            return true;
        }
        int dot = h.indexOf('.');
        return dot > 0 && names.contains("*" + h.substring(dot));
    }

    static List<Object> pemObjects(Path file) {
        try {
            return pemObjects(file, Files.newBufferedReader(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new StartupError(file + ": cannot read PEM: " + e.getMessage(), e);
        }
    }

    private static List<Object> pemObjects(Path file, Reader text) {
        List<Object> objects = new ArrayList<>();
        try (Reader in = text; PEMParser parser = new PEMParser(in)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                objects.add(o);
            }
        } catch (IOException e) {
            throw new StartupError(file + ": cannot read PEM: " + e.getMessage(), e);
        }
        return objects;
    }

    private static Set<String> names(X509Certificate leaf) {
        Set<String> names = new LinkedHashSet<>();
        try {
            Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (Integer.valueOf(2).equals(alternative.get(0))) { // dNSName
                        names.add(alternative.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no usable alternative names: fall back to the CN below
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
                    }
                }
            } catch (javax.naming.InvalidNameException e) {
                // no CN either: the certificate can only be the default
            }
        }
        return names;
    }
}
