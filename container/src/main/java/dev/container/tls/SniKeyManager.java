package dev.container.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Picks the certificate for a handshake by the name the client sent (SNI): an exact name first,
 * then a wildcard {@code *.example.com} for one label in front, then the first certificate
 * given, which is also what clients without SNI get: two map lookups at most, however many
 * certificates ({@link CertificateStore.Snapshot#covering}). Among certificates for the same name, one
 * of the key type the handshake asks for (ECDSA first where both could do). A client that offers
 * ALPN {@code acme-tls/1} for a name being validated gets that name's tls-alpn-01 certificate
 * instead ({@link AcmeTlsAlpn}). Immutable; aliases are "GENERATION/INDEX" positions in a
 * snapshot, or "acme-tls/NAME" for a challenge certificate.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
    private static final String CHALLENGE_ALIAS = "acme-tls/";
    private static final int[] NONE = {};
    /** No certificate for the name (or no SNI): the first one. */
    private static final int[] DEFAULT = {0};
    private final CertificateStore store;

    SniKeyManager(CertificateStore store) {
        this.store = store;
    }

    /**
     * The alias of the certificate for hostName (null: no SNI) and key type ("RSA", "EC"):
     * "GENERATION/INDEX", so that the chain and key are taken from the same snapshot.
     */
    String choose(String hostName, String keyType) {
        if (hostName != null && store.answeringChallenges() && AcmeTlsAlpn.offered()) {
            KeyedCertificate challenge = store.challenge(hostName);
            if (challenge != null) {
                // only the challenge certificate may answer acme-tls/1: for another key type (the engine
                // asks for EC first) say there is none, or a served EC certificate would be taken instead
                return keyType == null || keyType.equals(challenge.keyAlgorithm())
                        ? CHALLENGE_ALIAS + hostName.toLowerCase(Locale.ROOT) : null;
            }
        }
        CertificateStore.Snapshot snapshot = store.current();
        if (snapshot.certificates().isEmpty()) {
            return null; // nothing to serve yet (ACME certificates still on their way): the handshake fails
        }
        String index = choose(snapshot, hostName, keyType);
        return index == null ? null : snapshot.generation() + "/" + index;
    }

    /**
     * The certificate a Conscrypt handshake with this ClientHello will serve, or null (none yet, or
     * a tls-alpn-01 challenge's): for OCSP stapling, which must be settled before the handshake
     * picks it. Conscrypt asks for a certificate of each key type its enabled suites use, RSA then
     * EC, and BoringSSL serves the last one it is given: the name's EC certificate where it has one
     * (TlsSessionTest shows ECDSA winning), else its RSA one.
     */
    KeyedCertificate served(ClientHello hello) {
        String hostName = hello.serverName();
        if (hostName != null && hello.protocols().contains(AcmeTlsAlpn.PROTOCOL) && store.challenge(hostName) != null) {
            return null;
        }
        CertificateStore.Snapshot snapshot = store.current();
        if (snapshot.certificates().isEmpty()) {
            return null;
        }
        String index = choose(snapshot, hostName, "EC");
        if (index == null) {
            index = choose(snapshot, hostName, "RSA");
        }
        return index == null ? null : snapshot.certificates().get(Integer.parseInt(index));
    }

    /** The position in snapshot for hostName and keyType, as a string (an alias's second half), or null. */
    private static String choose(CertificateStore.Snapshot snapshot, String hostName, String keyType) {
        List<KeyedCertificate> certificates = snapshot.certificates();
        int[] candidates = NONE;
        if (hostName != null) {
            String host = hostName.toLowerCase(Locale.ROOT);
            candidates = snapshot.covering(host);
            int dot = host.indexOf('.');
            if (candidates.length == 0 && dot > 0) {
                candidates = snapshot.covering("*" + host.substring(dot));
            }
        }
        if (candidates.length == 0) {
            candidates = DEFAULT;
        }
        for (int i : candidates) {
            if (keyType == null || keyType.equals(certificates.get(i).keyAlgorithm())) {
                return Integer.toString(i);
            }
        }
        return keyType == null ? Integer.toString(candidates[0]) : null;
    }

    private static String requestedName(SSLSession session) {
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
        }
        return null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(engine == null ? null : requestedName(engine.getHandshakeSession()), keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return choose(null, keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        KeyedCertificate c = byAlias(alias);
        return c == null ? null : c.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        KeyedCertificate c = byAlias(alias);
        return c == null ? null : c.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        CertificateStore.Snapshot snapshot = store.current();
        List<String> aliases = new ArrayList<>();
        for (int i = 0; i < snapshot.certificates().size(); i++) {
            if (keyType == null || keyType.equals(snapshot.certificates().get(i).keyAlgorithm())) {
                aliases.add(snapshot.generation() + "/" + i);
            }
        }
        return aliases.toArray(String[]::new);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    private KeyedCertificate byAlias(String alias) {
        if (alias != null && alias.startsWith(CHALLENGE_ALIAS)) {
            return store.challenge(alias.substring(CHALLENGE_ALIAS.length()));
        }
        try {
            int slash = alias.indexOf('/');
            CertificateStore.Snapshot snapshot = store.snapshot(Integer.parseInt(alias.substring(0, slash)));
            int i = Integer.parseInt(alias.substring(slash + 1));
            return snapshot != null && i >= 0 && i < snapshot.certificates().size() ? snapshot.certificates().get(i) : null;
        } catch (RuntimeException e) {
            return null; // not one of our aliases
        }
    }
}
