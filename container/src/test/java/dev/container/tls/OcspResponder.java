package dev.container.tls;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test CA with an OCSP responder: OpenSSL's own ({@code openssl ocsp -index ... -reqin -respout},
 * the responder of {@code openssl ocsp -port}, run once per request) behind an HTTP listener on
 * 127.0.0.1 (openssl's listener would take every interface). Certificates it issues name the
 * responder in their Authority Information Access; {@link #revoke} marks one revoked in the index.
 * {@link #mode} makes the responder answer, drop the connection, or send garbage.
 */
final class OcspResponder implements AutoCloseable {
    enum Mode { ANSWER, DOWN, GARBAGE }

    private static final DateTimeFormatter INDEX_TIME =
            DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Path dir;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final HttpServer server;
    private final List<String> index = new ArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong serials = new AtomicLong(System.nanoTime());
    private volatile Mode mode = Mode.ANSWER;
    /** openssl's -nmin: the responses' validity in minutes; 0 leaves nextUpdate out. */
    private volatile int validityMinutes = 60;
    /** Who signs the responses: the CA itself unless a delegated responder is set. */
    private volatile Path signerCert;
    private volatile Path signerKey;

    private OcspResponder(Path dir) throws Exception {
        this.dir = Files.createDirectories(dir);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        caKeys = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=container test OCSP CA");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(serials.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), subject,
                caKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        ca = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        pem(dir.resolve("ca.crt"), ca);
        pem(dir.resolve("ca.key"), new JcaPKCS8Generator(caKeys.getPrivate(), null).generate());
        signerCert = dir.resolve("ca.crt");
        signerKey = dir.resolve("ca.key");
        writeIndex();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    static OcspResponder start(Path dir) throws Exception {
        // openssl answers on the listener's threads, where a missing program is no test failure
        dev.container.testing.MissingTools.require("openssl");
        return new OcspResponder(dir);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ocsp");
    }

    X509Certificate ca() {
        return ca;
    }

    Path caFile() {
        return dir.resolve("ca.crt");
    }

    void mode(Mode next) {
        mode = next;
    }

    void validityMinutes(int minutes) {
        validityMinutes = minutes;
    }

    /** The requests answered or refused so far. */
    int requests() {
        return requests.get();
    }

    /**
     * An EC (P-256) or RSA certificate for names, issued by this CA, naming this responder (or
     * none, when ocsp is false); the cert file holds the chain (leaf, CA).
     */
    TestCerts.Files2 issue(String base, String algorithm, boolean ocsp, String... names) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("EC")) {
            generator.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
            generator.initialize(2048);
        }
        KeyPair pair = generator.generateKeyPair();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + names[0]);
        var builder = new JcaX509v3CertificateBuilder(new X500Name(ca.getSubjectX500Principal().getName()),
                BigInteger.valueOf(serials.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(20))), subject, pair.getPublic());
        GeneralName[] alternatives = new GeneralName[names.length];
        for (int i = 0; i < names.length; i++) {
            boolean ip = names[i].matches("[0-9.]+");
            alternatives[i] = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, names[i]);
        }
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives));
        if (ocsp) {
            builder.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
                    AccessDescription.id_ad_ocsp, new GeneralName(GeneralName.uniformResourceIdentifier, url().toString())));
        }
        X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        Path cert = dir.resolve(base + ".crt");
        Path key = dir.resolve(base + ".key");
        pem(cert, leaf, ca);
        pem(key, new JcaPKCS8Generator(pair.getPrivate(), null).generate());
        synchronized (this) {
            index.add("V\t" + INDEX_TIME.format(leaf.getNotAfter().toInstant()) + "\t\t" + serial(leaf) + "\tunknown\t/CN="
                    + names[0]);
            writeIndex();
        }
        return new TestCerts.Files2(cert, key, leaf);
    }

    /** Marks certificate revoked (an hour ago) in the index: the responder says so from the next request. */
    synchronized void revoke(X509Certificate certificate) throws IOException {
        String serial = serial(certificate);
        for (int i = 0; i < index.size(); i++) {
            String[] fields = index.get(i).split("\t", -1);
            if (fields[3].equals(serial)) {
                fields[0] = "R";
                fields[2] = INDEX_TIME.format(Instant.now().minus(Duration.ofHours(1)));
                index.set(i, String.join("\t", fields));
            }
        }
        writeIndex();
    }

    /** From now on responses are signed by a responder certificate the CA issued for OCSP signing (RFC 6960 §4.2.2.2). */
    void delegate() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(new X500Name(ca.getSubjectX500Principal().getName()),
                BigInteger.valueOf(serials.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(10))), new X500Name("CN=container test OCSP responder"),
                pair.getPublic());
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
        X509Certificate responder = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        pem(dir.resolve("responder.crt"), responder);
        pem(dir.resolve("responder.key"), new JcaPKCS8Generator(pair.getPrivate(), null).generate());
        signerCert = dir.resolve("responder.crt");
        signerKey = dir.resolve("responder.key");
    }

    /** From now on responses are signed by a key the CA never vouched for (a self-signed responder). */
    void impostor() throws Exception {
        TestCerts.Files2 self = TestCerts.write(dir, "impostor", "EC", "container test OCSP CA");
        signerCert = self.cert();
        signerKey = self.key();
    }

    /** What openssl's responder answers to request (an OCSP request's DER). */
    synchronized byte[] respond(byte[] request) throws IOException, InterruptedException {
        Path in = dir.resolve("request.der");
        Path out = dir.resolve("response.der");
        Files.write(in, request);
        Files.deleteIfExists(out);
        List<String> command = new ArrayList<>(List.of("openssl", "ocsp", "-index", dir.resolve("index.txt").toString(),
                "-CA", caFile().toString(), "-rsigner", signerCert.toString(), "-rkey", signerKey.toString(),
                "-reqin", in.toString(), "-respout", out.toString()));
        if (validityMinutes > 0) {
            command.addAll(List.of("-nmin", Integer.toString(validityMinutes)));
        }
        Process openssl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0 || !Files.exists(out)) {
            throw new IOException("openssl ocsp failed: " + said);
        }
        return Files.readAllBytes(out);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            byte[] request = exchange.getRequestBody().readAllBytes();
            byte[] answer;
            switch (mode) {
                case DOWN -> {
                    return; // closed without a response: the client sees the connection end
                }
                case GARBAGE -> answer = "<html>not an OCSP response</html>".getBytes(StandardCharsets.US_ASCII);
                default -> {
                    try {
                        answer = respond(request);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            exchange.getResponseHeaders().set("Content-Type", "application/ocsp-response");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(answer);
            }
        }
    }

    private void writeIndex() throws IOException {
        Files.writeString(dir.resolve("index.txt"), index.isEmpty() ? "" : String.join("\n", index) + "\n");
        Files.writeString(dir.resolve("index.txt.attr"), "unique_subject = no\n");
    }

    private static String serial(X509Certificate certificate) {
        String hex = HexFormat.of().withUpperCase().formatHex(certificate.getSerialNumber().toByteArray());
        return hex.startsWith("00") && hex.length() > 2 ? hex.substring(2) : hex;
    }

    private static void pem(Path file, Object... objects) throws IOException {
        try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                pem.writeObject(o);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
