import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The bench's certificates (scripts/bench-scale/certs.sh): for i in 1..N, an ECDSA P-256 key and a
 * self-signed certificate for the name h&lt;i&gt;.bench.test, as DIR/h&lt;i&gt;.bench.test.crt and .key
 * (PKCS#8), each pair its own key. Run with the container jar on the class path (it has BouncyCastle):
 * {@code java -cp container.jar CertGen.java DIR N}. About 10,000 pairs in ten seconds on one core.
 */
public class CertGen {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        Files.createDirectories(dir);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        Date from = new Date(System.currentTimeMillis() - 3_600_000L);
        Date to = new Date(System.currentTimeMillis() + 7 * 86_400_000L);
        for (int i = 1; i <= n; i++) {
            String name = "h" + i + ".bench.test";
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=" + name);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(i), from, to,
                    subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
            var holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            try (Writer out = Files.newBufferedWriter(dir.resolve(name + ".crt"))) {
                out.write("-----BEGIN CERTIFICATE-----\n");
                out.write(java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(holder.getEncoded()));
                out.write("\n-----END CERTIFICATE-----\n");
            }
            try (JcaPEMWriter out = new JcaPEMWriter(Files.newBufferedWriter(dir.resolve(name + ".key")))) {
                out.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null));
            }
        }
    }
}
