package dev.container.acme;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Key pairs as PEM the way every tool reads them: the private key as PKCS#8 ("PRIVATE KEY",
 * with its curve named, which acme4j's SEC1 output from a JDK key is not) and the public key as
 * SubjectPublicKeyInfo. Stateless.
 */
final class KeyPem {
    private KeyPem() {
    }

    static String privateKey(PrivateKey key) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(new JcaPKCS8Generator(key, null).generate());
        }
        return text.toString();
    }

    /** The private key (PKCS#8) followed by the public key. */
    static String keyPair(KeyPair pair) throws IOException {
        StringWriter text = new StringWriter();
        text.append(privateKey(pair.getPrivate()));
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(pair.getPublic());
        }
        return text.toString();
    }

    /** Reads what {@link #keyPair} wrote (or a PKCS#1/SEC1 key pair); IOException when it is not there. */
    static KeyPair read(Reader in) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        PrivateKey privateKey = null;
        PublicKey publicKey = null;
        try (PEMParser parser = new PEMParser(in)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PEMKeyPair pair && pair.getPublicKeyInfo() != null) {
                    return converter.getKeyPair(pair);
                } else if (o instanceof PrivateKeyInfo info) {
                    privateKey = converter.getPrivateKey(info);
                } else if (o instanceof SubjectPublicKeyInfo info) {
                    publicKey = converter.getPublicKey(info);
                }
            }
        }
        if (privateKey == null || publicKey == null) {
            throw new IOException("expected a PEM private key and public key");
        }
        return new KeyPair(publicKey, privateKey);
    }
}
