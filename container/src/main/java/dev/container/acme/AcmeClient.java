package dev.container.acme;

import dev.container.storage.Storage;
import dev.container.storage.StorageException;
import dev.container.config.AcmeSpec;
import dev.container.tls.CertificateStore;
import dev.container.tls.KeyedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.OrderBuilder;
import org.shredzone.acme4j.RenewalInfo;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One CA as acme4j talks to it: the account (its key created once and kept in storage, the
 * account itself found again by that key), orders with their challenges, and ARI. Connects
 * lazily: nothing is sent to the CA until a certificate is due. Called from the maintenance
 * thread only; not thread-safe.
 */
final class AcmeClient {
    private static final Logger log = LoggerFactory.getLogger("container");
    /** How long one challenge or order may stay pending before the attempt counts as failed. */
    private static final Duration WAIT = Duration.ofMinutes(2);

    private final AcmeSpec spec;
    private final AcmeStorage storage;
    private final Http01Responder http01;
    private final CertificateStore store;
    private final boolean plainListener;
    /** In a cluster: tls-alpn-01 challenge certificates shared with the other nodes; null on one machine. */
    private SharedChallenges sharedChallenges;
    private Session session;
    private Login login;

    /** What an order brought: the chain (leaf first), and the chain and its key as PEM in one text. */
    record Issued(List<X509Certificate> chain, PrivateKey key, String pem) {
    }

    AcmeClient(AcmeSpec spec, AcmeStorage storage, Http01Responder http01, CertificateStore store, boolean plainListener) {
        this.spec = spec;
        this.storage = storage;
        this.http01 = http01;
        this.store = store;
        this.plainListener = plainListener;
    }

    /** From now on, tls-alpn-01 challenge certificates are published to every node of the cluster. */
    void shareChallenges(SharedChallenges shared) {
        this.sharedChallenges = shared;
    }

    /**
     * The order lock was found lost in the middle of an order (its database session ended: the
     * database restarted, or the session was ended): the order stops before its next step, which
     * the message names, and is left to the node that holds the lock next.
     */
    static final class LockLost extends Exception {
        LockLost(String before) {
            super(before);
        }
    }

    private static void check(BooleanSupplier held, String before) throws LockLost {
        if (!held.getAsBoolean()) {
            throw new LockLost(before);
        }
    }

    private Session session() throws AcmeException {
        if (session == null) {
            Session s = new Session(spec.directory(), new Provider(trust(spec.trust())));
            s.networkSettings().setTimeout(Duration.ofSeconds(30));
            session = s;
        }
        return session;
    }

    /** Logs in with the stored account key, creating key and account on first use. */
    private Login login() throws AcmeException, IOException {
        if (login != null) {
            return login;
        }
        KeyPair key = accountKey();
        AccountBuilder account = new AccountBuilder().useKeyPair(key);
        if (spec.agreeTerms()) {
            account.agreeToTermsOfService();
        }
        spec.email().ifPresent(account::addEmail);
        spec.eab().ifPresent(eab -> account.withKeyIdentifier(eab.kid(), eab.hmacKey()));
        // with a known key the CA answers with the existing account (RFC 8555 §7.3.1): nothing new is created
        login = account.createLogin(session());
        return login;
    }

    private KeyPair accountKey() throws IOException {
        if (!storage.shared()) {
            return accountKeyIn(storage.storage());
        }
        // the nodes of a new cluster make one account: the first creates the key, the others read it
        try (Storage.Lease ignored = storage.storage().lock(storage.accountLock(), Duration.ofMinutes(1))) {
            return accountKeyIn(storage.storage());
        } catch (StorageException e) {
            throw new IOException("cannot read the account key from " + storage.storage().describe() + ": "
                    + e.getMessage(), e);
        }
    }

    private KeyPair accountKeyIn(Storage shared) throws IOException {
        String name = storage.accountKeyName();
        Path file = storage.where(name);
        Optional<byte[]> stored;
        try {
            stored = shared.get(name);
        } catch (StorageException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (stored.isPresent()) {
            try (Reader in = new java.io.StringReader(new String(stored.get(), StandardCharsets.US_ASCII))) {
                return KeyPem.read(in);
            } catch (IOException | RuntimeException e) {
                String aside = name + ".unreadable-" + Instant.now().getEpochSecond();
                if (storage.shared()) {
                    shared.putSecret(aside, stored.get());
                    shared.delete(name);
                } else {
                    Files.move(file, storage.where(aside));
                }
                log.error("acme: the account key {} does not read ({}); moved it to {} and creating a new account",
                        file, e.getMessage(), storage.where(aside).getFileName());
            }
        }
        KeyPair key = ecKey();
        try {
            shared.putSecret(name, KeyPem.keyPair(key).getBytes(StandardCharsets.US_ASCII));
        } catch (StorageException e) {
            throw new IOException(e.getMessage(), e);
        }
        log.info("acme: created the account key {}", file);
        return key;
    }

    /** A new P-256 key from the JDK's provider (acme4j's helper wants BouncyCastle's registered, which we do not do). */
    static KeyPair ecKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make P-256 keys: " + e.getMessage(), e);
        }
    }

    static KeyPair rsaKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make RSA keys: " + e.getMessage(), e);
        }
    }

    /** Whether the CA's directory has ACME Renewal Information (RFC 9773). */
    boolean hasAri() throws AcmeException {
        return session().resourceUrlOptional(Resource.RENEWAL_INFO).isPresent();
    }

    /**
     * The CA's suggested renewal window for certificate, when its directory has ARI; empty when
     * it has none (the lifetime rule alone decides then).
     */
    Optional<Window> renewalWindow(X509Certificate certificate) throws AcmeException, IOException {
        if (!hasAri()) {
            return Optional.empty();
        }
        RenewalInfo info = login().bindRenewalInfo(certificate);
        Optional<Instant> retryAfter = info.fetch();
        return Optional.of(new Window(info.getSuggestedWindowStart(), info.getSuggestedWindowEnd(), retryAfter,
                info.getExplanation().map(Object::toString)));
    }

    /** An ARI answer: the window, when to ask again, and the CA's explanation, if it gave one. */
    record Window(Instant start, Instant end, Optional<Instant> retryAfter, Optional<String> explanation) {
    }

    /**
     * Orders a certificate for names (the first is the host's, for the log), answering each
     * authorization's challenge, and returns it with its new key. replacing, when ARI is there,
     * marks the order as the renewal of that certificate (RFC 9773 §5). held says whether this node
     * still holds the order lock (always true on one machine): asked before each challenge is
     * triggered and before the order is finalized, and {@link LockLost} thrown when it does not.
     */
    Issued order(String host, List<String> names, Optional<X509Certificate> replacing, AcmeSpec.Challenge challenge,
                 BooleanSupplier held) throws AcmeException, IOException, InterruptedException, LockLost {
        Login account = login();
        OrderBuilder builder = account.newOrder().domains(names);
        if (replacing.isPresent() && hasAri()) {
            builder.replaces(replacing.get());
        }
        Order order = builder.create();
        log.info("acme: {}: ordered a certificate for {} from {}{}", host, String.join(", ", names), spec.directory(),
                replacing.isPresent() ? " (renewal)" : "");
        for (Authorization authorization : order.getAuthorizations()) {
            if (authorization.getStatus() != Status.VALID) {
                authorize(host, authorization, challenge, held);
            }
        }
        KeyPair key = ecKey();
        order.waitUntilReady(WAIT);
        check(held, "finalizing the order");
        order.execute(key);
        Status status = order.waitForCompletion(WAIT);
        if (status != Status.VALID) {
            throw new AcmeException("the order ended " + status.name().toLowerCase(Locale.ROOT)
                    + order.getError().map(p -> ": " + p).orElse(""));
        }
        List<X509Certificate> chain = order.getCertificate().getCertificateChain();
        StringBuilder text = new StringBuilder();
        for (X509Certificate c : chain) {
            text.append(Pem.certificate(c));
        }
        text.append(KeyPem.privateKey(key.getPrivate()));
        return new Issued(chain, key.getPrivate(), text.toString());
    }

    private void authorize(String host, Authorization authorization, AcmeSpec.Challenge chosen, BooleanSupplier held)
            throws AcmeException, IOException, InterruptedException, LockLost {
        String domain = authorization.getIdentifier().getDomain();
        boolean http = switch (chosen) {
            case HTTP_01 -> true;
            case TLS_ALPN_01 -> false;
            // port 80 is what most hosts have open; tls-alpn-01 serves those that only have 443
            case AUTO -> plainListener && authorization.findChallenge(Http01Challenge.class).isPresent();
        };
        Challenge challenge;
        Runnable withdraw;
        if (http) {
            Http01Challenge c = authorization.findChallenge(Http01Challenge.class).orElseThrow(
                    () -> new AcmeException("the CA offers no http-01 challenge for " + domain));
            http01.put(c.getToken(), c.getAuthorization());
            Optional<String> shared = storage.shared() ? AcmeStorage.tokenName(c.getToken()) : Optional.empty();
            // in a cluster the CA may ask any node: they find the answer in the storage
            shared.ifPresent(name -> storage.storage().put(name, c.getAuthorization().getBytes(StandardCharsets.US_ASCII)));
            withdraw = () -> {
                http01.remove(c.getToken());
                shared.ifPresent(name -> {
                    try {
                        storage.storage().delete(name);
                    } catch (StorageException e) {
                        log.debug("acme: cannot remove the answered http-01 token {}: {}", name, e.getMessage());
                    }
                });
            };
            challenge = c;
        } else {
            TlsAlpn01Challenge c = authorization.findChallenge(TlsAlpn01Challenge.class).orElseThrow(
                    () -> new AcmeException("the CA offers no tls-alpn-01 challenge for " + domain));
            KeyPair key = rsaKey(); // acme4j signs the challenge certificate with SHA256withRSA
            X509Certificate certificate = c.createCertificate(key, authorization.getIdentifier());
            String name = domain.toLowerCase(Locale.ROOT);
            store.putChallenge(name, new KeyedCertificate(Path.of("tls-alpn-01"), List.of(certificate),
                    key.getPrivate(), Set.of(name)));
            SharedChallenges shared = sharedChallenges;
            withdraw = () -> {
                store.removeChallenge(name);
                if (shared != null) {
                    shared.withdraw(name);
                }
            };
            challenge = c;
            if (shared != null) {
                // in a cluster the CA may reach any node: each must serve the certificate before it is asked
                try {
                    shared.publish(host, name, (Pem.certificate(certificate) + KeyPem.privateKey(key.getPrivate()))
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (RuntimeException | InterruptedException | IOException e) {
                    withdraw.run();
                    throw e;
                }
            }
        }
        try {
            check(held, "asking the CA to validate " + domain);
            challenge.trigger();
            log.info("acme: {}: answering the {} challenge for {}", host, challenge.getType(), domain);
            Status status = challenge.waitForCompletion(WAIT);
            if (status != Status.VALID) {
                throw new ChallengeFailed(challenge.getType(), domain, challenge.getError().map(p -> p.getDetail()
                        .orElse(p.toString())).orElse("status " + status.name().toLowerCase(Locale.ROOT)));
            }
            log.info("acme: {}: {} challenge for {} passed", host, challenge.getType(), domain);
        } finally {
            withdraw.run();
        }
    }

    /** The CA could not validate a name: the message says how to make it reachable. */
    static final class ChallengeFailed extends AcmeException {
        ChallengeFailed(String type, String domain, String detail) {
            super("the CA could not validate " + domain + " over " + type + ": " + detail + ". Check that " + domain
                    + " resolves to this server and that "
                    + (type.equals(Http01Challenge.TYPE) ? "port 80 (plain HTTP)" : "port 443 (HTTPS)")
                    + " reaches it from the internet");
        }
    }

    /** The JDK's trust anchors plus those of the PEM file, for the CA's own HTTPS; null: the JDK's alone. */
    static SSLContext trust(Optional<Path> extra) throws AcmeException {
        if (extra.isEmpty()) {
            return null;
        }
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            int i = 0;
            for (var manager : defaults.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        anchors.setCertificateEntry("jdk-" + i++, ca);
                    }
                }
            }
            int added = 0;
            try (InputStream in = Files.newInputStream(extra.get())) {
                for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    anchors.setCertificateEntry("extra-" + added++, ca);
                }
            }
            if (added == 0) {
                throw new AcmeException("acme.trust " + extra.get() + ": no certificate in it (expected PEM)");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new AcmeException("acme.trust " + extra.get() + ": " + e.getMessage(), e);
        }
    }

    /** Any directory URL, with the trust anchors given (acme4j's own providers know theirs only). */
    private static final class Provider extends GenericAcmeProvider {
        private final SSLContext ssl;

        Provider(SSLContext ssl) {
            this.ssl = ssl;
        }

        @Override
        public HttpClient createHttpClient(NetworkSettings settings) {
            HttpClient.Builder builder = HttpClient.newBuilder()
                    .connectTimeout(settings.getTimeout())
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .proxy(settings.getProxySelector());
            if (settings.getAuthenticator() != null) {
                builder.authenticator(settings.getAuthenticator());
            }
            if (ssl != null) {
                builder.sslContext(ssl);
            }
            return builder.build();
        }
    }
}
