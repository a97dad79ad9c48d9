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
import java.util.Set;
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
 * PKCS#8, PKCS#1 RSA or SEC1 EC), with the host names it covers (DNS subject alternative names,
 * else the subject's CN). Immutable.
 */
public record KeyedCertificate(Path certFile, List<X509Certificate> chain, PrivateKey key, Set<String> names) {
    public KeyedCertificate {
        chain = List.copyOf(chain);
        names = Set.copyOf(names);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** Reads and checks the pair; a {@link StartupError} names the file and what is wrong with it. */
    public static KeyedCertificate read(Path certFile, Path keyFile) {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter certs = new JcaX509CertificateConverter();
        for (Object o : pemObjects(certFile)) {
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
        PrivateKey key = null;
        JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
        try {
            for (Object o : pemObjects(keyFile)) {
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
            throw new StartupError(keyFile + ": no private key in it (expected PEM: PRIVATE KEY, RSA PRIVATE KEY or "
                    + "EC PRIVATE KEY, unencrypted)", null);
        }
        if (!key.getAlgorithm().equals(chain.get(0).getPublicKey().getAlgorithm())
                || !Keys.match(key, chain.get(0).getPublicKey())) {
            throw new StartupError(keyFile + ": this key does not belong to the certificate in " + certFile, null);
        }
        return new KeyedCertificate(certFile, chain, key, names(chain.get(0)));
    }

    private static List<Object> pemObjects(Path file) {
        List<Object> objects = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(in)) {
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
