package dev.container.tls;

import dev.container.StartupError;
import dev.container.config.CertSpec;
import dev.container.storage.AtomicFiles;
import dev.container.storage.Storage;
import dev.container.storage.StorageException;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority of this machine's own, for HTTPS in development, as mkcert and Caddy
 * make one: created once under the state directory ({@code tls/local/ca.crt}, its key 0600) and
 * kept, so that trusting it once (see {@link #trustInstructions}) makes every later certificate
 * trusted; and a server certificate from it for localhost, 127.0.0.1, ::1 and the plan's own names,
 * issued again when the names change or a month before it expires. In a cluster ({@link #share})
 * the CA is the cluster's: kept in the storage, its key as a secret, so a browser that trusts it
 * trusts every node; each node still issues its own server certificate from it. Not thread-safe:
 * call from the start-up thread.
 */
public final class LocalCa {
    /** Browsers refuse server certificates valid for longer than 398 days. */
    static final Duration LEAF_LIFETIME = Duration.ofDays(397);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    static final Duration CA_LIFETIME = Duration.ofDays(10 * 365);
    static final List<String> ALWAYS = List.of("localhost", "127.0.0.1", "::1");

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("container");

    private final Path dir;

    private LocalCa(Path dir) {
        this.dir = dir;
    }

    /** The local CA of a state directory (made on first use). */
    public static LocalCa in(Path stateDir) {
        return new LocalCa(stateDir.resolve("tls").resolve("local"));
    }

    /** The storage's names of the cluster's CA (certificate, then key) and the lock around making it. */
    static final String SHARED_CERT = "tls/local-ca/ca.crt";
    static final String SHARED_KEY = "tls/local-ca/ca.key";
    private static final String SHARED_LOCK = "tls/local-ca";

    /**
     * Makes this CA the cluster's, before {@link #certificateFor}: under the storage's lock, the
     * CA the storage holds is written over this node's files (a node that had a CA of its own
     * before it joined now issues from the cluster's); when the storage holds none, this node's
     * CA (made now if it has none) is stored, its key as a secret. Returns whether this call made
     * a new CA. Throws a StartupError naming the storage when it cannot be read or written.
     */
    public boolean share(Storage storage) {
        Path cert = caFile();
        Path key = dir.resolve("ca.key");
        try (Storage.Lease lease = storage.lock(SHARED_LOCK, Duration.ofSeconds(30))) {
            Optional<byte[]> sharedCert = storage.get(SHARED_CERT);
            Optional<byte[]> sharedKey = storage.get(SHARED_KEY);
            if (sharedCert.isPresent() && sharedKey.isPresent()) {
                Files.createDirectories(dir);
                if (!sameContent(key, sharedKey.get()) || !sameContent(cert, sharedCert.get())) {
                    AtomicFiles.write(key, sharedKey.get(), true);
                    AtomicFiles.write(cert, sharedCert.get(), false);
                    log.info("TLS: the local CA is the cluster's, from {}", storage.describe());
                }
                return false;
            }
            boolean made = !exists();
            ca();
            storage.putSecret(SHARED_KEY, Files.readAllBytes(key));
            storage.put(SHARED_CERT, Files.readAllBytes(cert));
            log.info("TLS: the local CA {} is now the cluster's, in {}", cert, storage.describe());
            return made;
        } catch (IOException | GeneralSecurityException | OperatorCreationException | StorageException e) {
            throw new StartupError("local CA: cannot share it through " + storage.describe() + ": " + e.getMessage(), e);
        }
    }

    private static boolean sameContent(Path file, byte[] content) throws IOException {
        return Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), content);
    }

    /** The CA certificate, the file to trust. */
    public Path caFile() {
        return dir.resolve("ca.crt");
    }

    /** Whether the CA exists already (false: the next {@link #certificateFor} creates it). */
    public boolean exists() {
        return Files.isRegularFile(caFile()) && Files.isRegularFile(dir.resolve("ca.key"));
    }

    /**
     * A certificate for localhost and the given extra names (host names or IP literals), issued
     * now if there is none for exactly these names valid for another month.
     */
    public CertSpec certificateFor(List<String> extraNames) {
        Set<String> names = new LinkedHashSet<>(ALWAYS);
        extraNames.forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
        Path cert = dir.resolve("localhost.crt");
        Path key = dir.resolve("localhost.key");
        try {
            KeyedCertificate ca = ca();
            if (!current(cert, key, ca, names)) {
                issue(ca, names, cert, key);
            }
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new StartupError("local CA in " + dir + ": " + e.getMessage(), e);
        }
        return new CertSpec(cert, key);
    }

    /** How to trust the CA once, on the common systems and clients. */
    public String trustInstructions() {
        String ca = caFile().toAbsolutePath().toString();
        return String.join("\n",
                "To trust it once on this machine (then every local certificate it issues is trusted):",
                "  Debian/Ubuntu: sudo cp " + ca + " /usr/local/share/ca-certificates/container-local-ca.crt"
                        + " && sudo update-ca-certificates",
                "  Fedora/RHEL:   sudo cp " + ca + " /etc/pki/ca-trust/source/anchors/container-local-ca.crt"
                        + " && sudo update-ca-trust",
                "  macOS:         sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain "
                        + ca,
                "  Chrome/Firefox on Linux: certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n container-local-ca -i " + ca,
                "  Java:          keytool -importcert -cacerts -alias container-local-ca -file " + ca,
                "  curl:          curl --cacert " + ca + " https://localhost:8443/");
    }

    private KeyedCertificate ca() throws IOException, GeneralSecurityException, OperatorCreationException {
        Path cert = caFile();
        Path key = dir.resolve("ca.key");
        if (Files.isRegularFile(cert) && Files.isRegularFile(key)) {
            try {
                return KeyedCertificate.read(cert, key);
            } catch (StartupError e) {
                // A key without its certificate (a process killed between the two writes, when a
                // lost key was made again) or a damaged file: unusable for good, so make a new CA
                // rather than refuse every start. Browsers must be told to trust the new one.
                log.warn("TLS: the local CA in {} does not read ({}); making a new one, which must be trusted again",
                        dir, e.getMessage());
            }
        }
        Files.createDirectories(dir);
        KeyPair pair = ecKeyPair();
        X500Name name = new X500Name("CN=container local CA " + hostName() + ",O=container local development CA");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(CA_LIFETIME)), name, pair.getPublic());
        var extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
        X509Certificate certificate = sign(builder, pair.getPrivate());
        AtomicFiles.write(key, pem(new JcaPKCS8Generator(pair.getPrivate(), null).generate()), true);
        AtomicFiles.write(cert, pem(certificate), false);
        return KeyedCertificate.read(cert, key);
    }

    /** Whether cert is this CA's, for exactly names, and valid beyond the renewal month. */
    private static boolean current(Path cert, Path key, KeyedCertificate ca, Set<String> names) {
        if (!Files.isRegularFile(cert) || !Files.isRegularFile(key)) {
            return false;
        }
        try {
            KeyedCertificate leaf = KeyedCertificate.read(cert, key);
            leaf.leaf().verify(ca.leaf().getPublicKey());
            return leaf.notAfter().isAfter(Instant.now().plus(RENEW_BEFORE)) && alternativeNames(leaf.leaf()).equals(names);
        } catch (StartupError | GeneralSecurityException e) {
            return false; // unreadable, or from an older CA: issue a new one
        }
    }

    private static Set<String> alternativeNames(X509Certificate certificate) {
        Set<String> names = new LinkedHashSet<>();
        try {
            if (certificate.getSubjectAlternativeNames() != null) {
                for (List<?> alternative : certificate.getSubjectAlternativeNames()) {
                    names.add(alternative.get(1).toString().toLowerCase(Locale.ROOT));
                }
            }
        } catch (GeneralSecurityException e) {
            return Set.of();
        }
        Set<String> normalized = new LinkedHashSet<>();
        for (String n : names) {
            normalized.add(n.equals("0:0:0:0:0:0:0:1") ? "::1" : n);
        }
        return normalized;
    }

    private void issue(KeyedCertificate ca, Set<String> names, Path cert, Path key)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        KeyPair pair = ecKeyPair();
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(ca.leaf(), serial(), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(LEAF_LIFETIME)), new X500Name("O=container local development certificate"),
                pair.getPublic());
        List<GeneralName> alternatives = new ArrayList<>();
        for (String name : names) {
            boolean ip = name.contains(":") || name.matches("[0-9.]+");
            alternatives.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
        }
        var extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(alternatives.toArray(GeneralName[]::new)));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.authorityKeyIdentifier, false,
                extensions.createAuthorityKeyIdentifier(ca.leaf()));
        X509Certificate certificate = sign(builder, ca.key());
        AtomicFiles.write(key, pem(new JcaPKCS8Generator(pair.getPrivate(), null).generate()), true);
        // the chain: the leaf, then the CA (clients that trust the CA need nothing else)
        AtomicFiles.write(cert, pem(certificate) + pem(ca.leaf()), false);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(128, new SecureRandom());
    }

    private static String hostName() {
        try {
            return System.getProperty("user.name") + "@" + InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return System.getProperty("user.name");
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
