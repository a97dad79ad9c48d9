package dev.container.tls;

import dev.container.storage.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OCSP responses for the served certificates that name an OCSP responder, fetched ahead of need
 * so that handshakes can staple them (RFC 6066 §8) without ever waiting for the responder, as
 * Caddy does. A background thread looks at the {@link CertificateStore}'s certificates every
 * minute and whenever they change: one without a response, or whose response is halfway through its validity, gets a new
 * one from its responder (HTTP POST, RFC 6960 appendix A), checked ({@link OcspResponse}) and
 * kept in memory and in the state directory ({@code tls/ocsp/SHA256.der}), where the next start
 * finds it while it is valid. A responder that is down or answers garbage is logged once per
 * certificate and asked again later (1 minute, doubling up to an hour); the response it gave
 * before stays stapled until its nextUpdate, then handshakes go on without one. A certificate
 * whose chain has no issuer certificate cannot be asked about (logged once). Thread-safe:
 * {@link #staple} is called on the I/O threads, everything else on the fetching thread.
 */
public final class OcspStaples implements AutoCloseable, dev.container.Service {
    private static final Logger log = LoggerFactory.getLogger("container");
    /** How often the certificates are looked at; a new one (a renewal, a reload) waits at most this. */
    static final Duration TICK = Duration.ofMinutes(1);
    private static final Duration FIRST_RETRY = Duration.ofMinutes(1);
    private static final Duration MAX_RETRY = Duration.ofHours(1);
    /** Far more than any OCSP response (a few KiB with a responder certificate). */
    private static final int MAX_RESPONSE = 64 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** What is known of one certificate. Mutated on the fetching thread only; staple is read by handshakes. */
    private static final class Entry {
        final KeyedCertificate certificate;
        final X509Certificate issuer;
        final URI responder;
        final Path file;
        volatile OcspResponse staple;
        Instant retryAt = Instant.MIN;
        Duration backoff = FIRST_RETRY;
        boolean failing;

        Entry(KeyedCertificate certificate, X509Certificate issuer, URI responder, Path file) {
            this.certificate = certificate;
            this.issuer = issuer;
            this.responder = responder;
            this.file = file;
        }
    }

    private final CertificateStore store;
    private final Path dir;
    private final Clock clock;
    private final Duration tick;
    /** By leaf certificate (X509Certificate equals by encoding): a re-read file finds its entry again. */
    private final Map<X509Certificate, Entry> entries = new ConcurrentHashMap<>();
    /** Certificates with an OCSP URL that cannot be asked about, logged once each. */
    private final Set<X509Certificate> unaskable = ConcurrentHashMap.newKeySet();
    /** Made on first use (it starts a thread), on the fetching thread. */
    private HttpClient http;
    private volatile boolean any;
    private ScheduledExecutorService thread;
    /** Why the TLS provider cannot staple (then nothing is fetched), or null. */
    private String unsupported;

    /** Staples for store's certificates, kept under dir (STATE/tls/ocsp). Call {@link #start()} to begin. */
    public OcspStaples(CertificateStore store, Path dir) {
        this(store, dir, Clock.systemUTC(), TICK);
    }

    OcspStaples(CertificateStore store, Path dir, Clock clock, Duration tick) {
        this.store = store;
        this.dir = dir;
        this.clock = clock;
        this.tick = tick;
    }

    /**
     * Takes the responses saved in the state directory that are still valid (at once, so the first
     * handshakes staple them) and starts fetching in the background.
     */
    @Override
    public synchronized void start() {
        if (thread != null || unsupported != null) {
            return;
        }
        load();
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tls-ocsp");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::refresh, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
        ScheduledExecutorService running = thread;
        // a renewal, a reload or a certificate installed by ACME: looked at now rather than within the minute
        store.onChange(() -> {
            if (!running.isShutdown()) {
                running.execute(this::refresh);
            }
        });
    }

    /** Takes the valid saved responses of the served certificates, and deletes saved ones out of date. */
    void load() {
        prune();
        look(false);
    }

    /**
     * The response to staple for leaf, or null: none fetched, or past its nextUpdate. Cheap: a map
     * lookup and a clock read.
     */
    byte[] staple(X509Certificate leaf) {
        Entry entry = entries.get(leaf);
        OcspResponse staple = entry == null ? null : entry.staple;
        return staple != null && staple.usable(clock.instant()) ? staple.der() : null;
    }

    /** Whether any certificate has a response: without one, handshakes need not look. */
    boolean any() {
        return any;
    }

    /**
     * Says, once, that the certificates with an OCSP URL are served without a staple, and why: for
     * a TLS provider that cannot staple responses given to it (the JDK's).
     */
    synchronized void unsupported(String why) {
        unsupported = why;
        List<String> names = store.current().certificates().stream()
                .filter(c -> OcspResponse.responder(c.leaf()).isPresent())
                .map(OcspStaples::names).toList();
        if (!names.isEmpty()) {
            log.info("TLS: no OCSP stapling with {} (certificates that name an OCSP responder: {})", why, names);
        }
    }

    /** One round: fetches what is missing or due, drops what is no longer served. On the fetching thread (or a test's). */
    void refresh() {
        try {
            look(true);
        } catch (RuntimeException e) {
            log.warn("TLS: OCSP stapling: {}", e.toString()); // keep the thread alive for the next round
        }
    }

    private void look(boolean fetch) {
        Instant now = clock.instant();
        Set<X509Certificate> served = new HashSet<>();
        Set<URI> unreachable = new HashSet<>();
        for (KeyedCertificate certificate : store.current().certificates()) {
            X509Certificate leaf = certificate.leaf();
            if (!served.add(leaf)) {
                continue;
            }
            Entry entry = entries.get(leaf);
            if (entry == null) {
                entry = entry(certificate, now);
                if (entry == null) {
                    continue;
                }
                entries.put(leaf, entry);
            }
            OcspResponse staple = entry.staple;
            if (staple != null && !staple.usable(now)) {
                entry.staple = null; // it would be refused: clients reject a response past nextUpdate
            }
            boolean due = staple == null || !now.isBefore(staple.refreshAt());
            if (fetch && due && !now.isBefore(entry.retryAt)) {
                if (unreachable.contains(entry.responder)) {
                    // many certificates of one CA: do not wait for a dead responder once per certificate
                    failed(entry, "it did not answer for another certificate just now", false);
                } else if (!fetch(entry)) {
                    unreachable.add(entry.responder);
                }
            }
        }
        entries.keySet().retainAll(served);
        any = entries.values().stream().anyMatch(e -> e.staple != null);
    }

    /** The entry of a certificate not seen before, with its saved response if valid; null when it names no responder. */
    private Entry entry(KeyedCertificate certificate, Instant now) {
        X509Certificate leaf = certificate.leaf();
        Optional<URI> responder = OcspResponse.responder(leaf);
        if (responder.isEmpty()) {
            return null;
        }
        X509Certificate issuer = issuer(certificate);
        if (issuer == null) {
            if (unaskable.add(leaf)) {
                log.warn("TLS: the certificate for {} names an OCSP responder but its file ({}) has no issuer "
                        + "certificate after it, so no OCSP response can be asked for (add the chain to staple one)",
                        names(certificate), certificate.certFile());
            }
            return null;
        }
        Entry entry = new Entry(certificate, issuer, responder.get(), dir.resolve(fingerprint(leaf) + ".der"));
        try {
            if (Files.isRegularFile(entry.file)) {
                entry.staple = OcspResponse.verify(Files.readAllBytes(entry.file), leaf, issuer, now);
                log.info("TLS: OCSP response for {} read from {}, valid until {}", names(certificate), entry.file,
                        entry.staple.nextUpdate());
            }
        } catch (IOException | OcspResponse.Refused e) {
            // out of date or unreadable: fetched again at once
        }
        return entry;
    }

    /**
     * Asks the responder; on success the response is stapled and saved, on failure logged (once)
     * and retried later. False when the responder could not be reached at all.
     */
    private boolean fetch(Entry entry) {
        OcspResponse response;
        try {
            byte[] der = post(entry.responder, OcspResponse.request(entry.certificate.leaf(), entry.issuer));
            response = OcspResponse.verify(der, entry.certificate.leaf(), entry.issuer, clock.instant());
        } catch (OcspResponse.Refused e) {
            failed(entry, e.getMessage(), e.revoked());
            return true;
        } catch (IOException e) {
            failed(entry, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), false);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
        boolean first = entry.staple == null && !entry.failing;
        if (entry.failing) {
            log.info("TLS: OCSP responder {} answers again for {}; stapling its response", entry.responder,
                    names(entry.certificate));
        } else if (first) {
            log.info("TLS: stapling the OCSP response of {} for {}, valid until {}", entry.responder,
                    names(entry.certificate), response.nextUpdate());
        }
        entry.staple = response;
        entry.failing = false;
        entry.backoff = FIRST_RETRY;
        entry.retryAt = Instant.MIN;
        try {
            AtomicFiles.write(entry.file, response.der(), false);
        } catch (IOException e) {
            log.debug("TLS: cannot save the OCSP response in {}: {}", entry.file, e.toString());
        }
        return true;
    }

    private void failed(Entry entry, String problem, boolean revoked) {
        Instant now = clock.instant();
        if (!entry.failing) {
            String keeping = entry.staple != null && entry.staple.usable(now)
                    ? "the response it gave before is stapled until " + entry.staple.nextUpdate()
                    : "handshakes go on without a staple";
            if (revoked) {
                log.error("TLS: OCSP responder {} says the certificate for {} is revoked: {}; not stapled, {}",
                        entry.responder, names(entry.certificate), problem, keeping);
            } else {
                log.warn("TLS: no OCSP response for {} from {}: {}; {}, asking again in {} s", names(entry.certificate),
                        entry.responder, problem, keeping, entry.backoff.toSeconds());
            }
        } else {
            log.debug("TLS: still no OCSP response for {} from {}: {}", names(entry.certificate), entry.responder, problem);
        }
        entry.failing = true;
        entry.retryAt = now.plus(entry.backoff);
        Duration doubled = entry.backoff.multipliedBy(2);
        entry.backoff = doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled;
    }

    private byte[] post(URI responder, byte[] request) throws IOException, InterruptedException {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
        }
        HttpRequest post = HttpRequest.newBuilder(responder)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/ocsp-request")
                .header("Accept", "application/ocsp-response")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request))
                .build();
        HttpResponse<InputStream> response = http.send(post, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            byte[] der = body.readNBytes(MAX_RESPONSE + 1);
            if (der.length > MAX_RESPONSE) {
                throw new IOException("an answer over " + MAX_RESPONSE / 1024 + " KiB");
            }
            return der;
        }
    }

    /** The certificate that issued the leaf: the next one in the chain, if it is its issuer. */
    private static X509Certificate issuer(KeyedCertificate certificate) {
        List<X509Certificate> chain = certificate.chain();
        if (chain.size() < 2 || !chain.get(1).getSubjectX500Principal().equals(chain.get(0).getIssuerX500Principal())) {
            return null;
        }
        return chain.get(1);
    }

    /** Removes saved responses that are no longer valid (certificates replaced long ago). */
    private void prune() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        Instant now = clock.instant();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.der")) {
            for (Path file : files) {
                try {
                    if (!OcspResponse.stillValid(Files.readAllBytes(file), now)) {
                        Files.deleteIfExists(file);
                    }
                } catch (IOException e) {
                    // left for the next start
                }
            }
        } catch (IOException e) {
            log.debug("TLS: cannot list {}: {}", dir, e.toString());
        }
    }

    private static String fingerprint(X509Certificate leaf) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String names(KeyedCertificate certificate) {
        return certificate.names().isEmpty() ? certificate.leaf().getSubjectX500Principal().getName()
                : String.join(", ", certificate.names().stream().sorted().toList());
    }

    @Override
    public String name() {
        return "ocsp-stapling";
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public synchronized String describe() {
        if (unsupported != null) {
            return "off: " + unsupported;
        }
        return entries.size() + " stapled response(s)";
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
