package dev.container.acme;

import dev.container.StartupError;
import dev.container.storage.FileStorage;
import dev.container.storage.Storage;
import dev.container.storage.StorageException;
import dev.container.config.AcmeSpec;
import dev.container.config.HostSpec;
import dev.container.tls.CertificateStore;
import dev.container.tls.KeyedCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a certificate for each host with {@code tls = auto}: at {@link #start} the stored ones are
 * installed in the {@link CertificateStore} at once (a restart orders nothing), and a daemon thread
 * ({@code acme-maintenance}, not the users' job pool) orders what is missing and renews what is
 * due ({@link RenewalPolicy}: a third of the lifetime left, or the CA's ARI window), every check
 * interval. Failures are logged with what to do and retried with backoff; a certificate that
 * fails to renew keeps serving. The server never waits for the CA. {@link #update} (a reload)
 * changes the hosts without cancelling an order in flight.
 *
 * <p>In a cluster ({@code storage { type = postgres }}) the account, the certificates, the
 * pending http-01 tokens and tls-alpn-01 challenge certificates ({@link SharedChallenges}) are in
 * the shared {@link Storage}. A node orders a host's certificate only while it holds that host's
 * lock there ({@link AcmeStorage#orderLock}); a node that finds it taken leaves the order to its
 * holder and takes the result from the storage; a node that loses the lock during an order stops
 * before its next step. Every {@link #SYNC_INTERVAL} a thread ({@code acme-sync}) installs a
 * certificate the storage has that is newer than the one served (another node ordered or renewed
 * it). When the database cannot be reached the certificates held keep serving and orders wait;
 * the storage's heartbeat says so in the log, once, and once when it is back. Thread-safe.
 */
public final class CertificateManager implements AutoCloseable, dev.container.Service {
    private static final Logger log = LoggerFactory.getLogger("container");
    /** How often a node of a cluster looks in the storage for certificates other nodes ordered. */
    public static final Duration SYNC_INTERVAL = Duration.ofSeconds(20);

    private final AcmeSpec spec;
    private final Path stateDir;
    private final AcmeStorage storage;
    private final CertificateStore store;
    private final Http01Responder http01;
    /** In a cluster: how often the storage is looked at for newer certificates (and a taken lock tried again). */
    private final Duration syncInterval;
    /** Whether the shared storage was found unreachable last time (said once in the log, and once when back). */
    private final AtomicBoolean storageDown = new AtomicBoolean();
    private ScheduledExecutorService sync;
    private final AcmeClient client;
    private final Clock clock;
    private final RandomGenerator random = RandomGenerator.getDefault();
    /** The hosts looked after, by id; replaced entries come from {@link #update}. */
    private final Map<String, Managed> hosts = new ConcurrentHashMap<>();
    private final Object wake = new Object();
    private Thread thread;
    private volatile boolean closed;
    private volatile OrderListener orders = OrderListener.NONE;
    /** In a cluster whose hosts may use tls-alpn-01: the challenge certificates shared with the other nodes. */
    private volatile SharedChallenges sharedChallenges;

    /** One host's certificate and its schedule; fields touched by the maintenance thread only, but read by status. */
    private static final class Managed {
        final HostSpec host;
        volatile KeyedCertificate certificate;
        int failures;
        volatile Instant nextAttempt = Instant.EPOCH;
        volatile Optional<Instant> ariTime = Optional.empty();
        volatile Optional<AcmeClient.Window> ariWindow = Optional.empty();
        Instant nextAriCheck;
        /** The last failure, one line, and when; null after a success. */
        volatile String lastError;
        volatile Instant lastErrorAt;
        /** Asked to renew now ({@link #renewNow}); cleared when the order begins. */
        volatile boolean renewRequested;
        /** The PEM of the served certificate when storing it failed; stored at the next check. */
        volatile String unstored;
        /** The stored bytes last looked at (by {@link #sync}), so unchanged ones are not parsed again. */
        volatile byte[] seen;

        Managed(HostSpec host, Instant firstAriCheck) {
            this.host = host;
            this.nextAriCheck = firstAriCheck;
        }

        String name() {
            return host.names().get(0);
        }
    }

    /**
     * @param plainListener whether the server has a plain HTTP listener (http-01 can be answered)
     */
    public CertificateManager(Path stateDir, AcmeSpec spec, List<HostSpec> autoHosts, CertificateStore store,
                              boolean plainListener) {
        this(new FileStorage(stateDir), stateDir, spec, autoHosts, store, plainListener);
    }

    /**
     * With the ACME state in shared (the state directory's files, or a cluster's database).
     *
     * @param plainListener whether the server has a plain HTTP listener (http-01 can be answered)
     */
    public CertificateManager(Storage shared, Path stateDir, AcmeSpec spec, List<HostSpec> autoHosts,
                              CertificateStore store, boolean plainListener) {
        this(shared, stateDir, spec, autoHosts, store, plainListener, Clock.systemUTC(), SYNC_INTERVAL);
    }

    CertificateManager(Path stateDir, AcmeSpec spec, List<HostSpec> autoHosts, CertificateStore store,
                       boolean plainListener, Clock clock) {
        this(new FileStorage(stateDir), stateDir, spec, autoHosts, store, plainListener, clock, SYNC_INTERVAL);
    }

    CertificateManager(Storage shared, Path stateDir, AcmeSpec spec, List<HostSpec> autoHosts, CertificateStore store,
                       boolean plainListener, Clock clock, Duration syncInterval) {
        this.spec = spec;
        this.stateDir = stateDir;
        this.storage = new AcmeStorage(shared, stateDir, spec.directory());
        this.http01 = new Http01Responder(storage.shared() ? shared : null);
        this.syncInterval = syncInterval;
        this.store = store;
        this.clock = clock;
        this.client = new AcmeClient(spec, storage, http01, store, plainListener);
        Instant firstAriCheck = clock.instant().plus(spec.checkInterval());
        for (HostSpec host : autoHosts) {
            hosts.put(host.id(), new Managed(host, firstAriCheck));
        }
    }

    /** Tells listener how each order from now on ends (the metrics). */
    public void onOrder(OrderListener listener) {
        orders = listener;
    }

    /**
     * In a cluster (a shared storage): the nodes, so that a tls-alpn-01 challenge certificate is
     * served by every node alive before the CA is asked to validate ({@link SharedChallenges}).
     * Call before {@link #startMaintenance}; nothing happens on one machine or with http-01 only.
     */
    public void inCluster(ClusterNodes nodes) {
        if (storage.shared() && spec.mayUseTlsAlpn()) {
            SharedChallenges shared = new SharedChallenges(storage.storage(), store, nodes);
            sharedChallenges = shared;
            client.shareChallenges(shared);
        }
    }

    /** The handler that answers http-01 challenges; the server puts it before routing. */
    public Http01Responder http01() {
        return http01;
    }

    /**
     * Installs the stored certificates (synchronously: files only, no CA) and warns about
     * storage that would not survive a restart. Call before the listeners open, so a restart
     * serves its certificates from the first connection; then {@link #startMaintenance}.
     */
    public void loadStored() {
        warnAboutStorage();
        for (Managed m : hosts.values()) {
            load(m);
        }
    }

    /** Starts the maintenance thread: orders and renewals from now on, in the background. */
    public synchronized void startMaintenance() {
        if (thread != null || closed) {
            return;
        }
        thread = new Thread(this::loop, "acme-maintenance");
        thread.setDaemon(true);
        thread.start();
        SharedChallenges shared = sharedChallenges;
        if (shared != null) {
            shared.start(); // the listeners are open: this node can answer the CA from now on
        }
        if (storage.shared()) {
            sync = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "acme-sync");
                t.setDaemon(true);
                return t;
            });
            sync.scheduleWithFixedDelay(this::syncAll, syncInterval.toMillis(), syncInterval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The hosts with tls = auto after a reload: new ones are looked after from the next check
     * (their stored certificates installed now), gone ones stop being served and renewed. An
     * order in flight goes on to its end.
     */
    public void update(List<HostSpec> autoHosts) {
        Instant firstAriCheck = clock.instant().plus(spec.checkInterval());
        List<String> ids = autoHosts.stream().map(HostSpec::id).toList();
        for (String id : List.copyOf(hosts.keySet())) {
            if (!ids.contains(id)) {
                hosts.remove(id);
                store.remove(id);
                log.info("acme: host {} no longer has tls = auto; its certificate is no longer served", id);
            }
        }
        for (HostSpec host : autoHosts) {
            Managed old = hosts.get(host.id());
            if (old == null || !old.host.names().equals(host.names())) {
                Managed m = new Managed(host, firstAriCheck);
                load(m);
                hosts.put(host.id(), m);
            }
        }
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /**
     * What the maintenance knows of one host, for the control API.
     *
     * @param certificate the certificate served, empty until the first is issued
     * @param renewAt when it is due (a third of its lifetime left, renew-before, or the CA's ARI time)
     * @param ariWindow the CA's suggested renewal window, when it gave one
     * @param nextAttempt when a failed order is tried again; empty when the last one did not fail
     * @param lastError the last failure in one line; empty after a success
     */
    public record HostState(String hostId, List<String> names, Optional<KeyedCertificate> certificate,
                            Optional<Instant> renewAt, Optional<Instant> ariStart, Optional<Instant> ariEnd,
                            Optional<Instant> nextAttempt, int failures, Optional<String> lastError,
                            Optional<Instant> lastErrorAt, boolean renewRequested) {
    }

    /** Every host looked after, in name order. */
    public List<HostState> status() {
        List<HostState> all = new ArrayList<>();
        for (Managed m : hosts.values()) {
            KeyedCertificate current = m.certificate;
            Optional<Instant> renewAt = Optional.empty();
            if (current != null) {
                Instant due = RenewalPolicy.renewalTime(current.leaf().getNotBefore().toInstant(),
                        current.leaf().getNotAfter().toInstant(), spec.renewBefore());
                Optional<Instant> ari = m.ariTime;
                renewAt = Optional.of(ari.isPresent() && ari.get().isBefore(due) ? ari.get() : due);
            }
            Optional<AcmeClient.Window> window = m.ariWindow;
            Instant next = m.nextAttempt;
            all.add(new HostState(m.host.id(), m.host.names(), Optional.ofNullable(current), renewAt,
                    window.map(AcmeClient.Window::start), window.map(AcmeClient.Window::end),
                    m.failures > 0 ? Optional.of(next) : Optional.empty(), m.failures,
                    Optional.ofNullable(m.lastError), Optional.ofNullable(m.lastErrorAt), m.renewRequested));
        }
        all.sort(java.util.Comparator.comparing(h -> h.names().get(0)));
        return all;
    }

    /**
     * Orders a new certificate for the host with that id or name at the next turn of the
     * maintenance thread (now, unless an order is running), whatever the renewal policy says.
     * Returns at once; false when no host with tls = auto has that name.
     */
    public boolean renewNow(String name) {
        for (Managed m : hosts.values()) {
            if (m.host.id().equals(name) || m.host.names().contains(name)) {
                m.renewRequested = true;
                m.nextAttempt = Instant.EPOCH;
                log.info("acme: {}: renewal asked for through the admin channel", m.name());
                synchronized (wake) {
                    wake.notifyAll();
                }
                return true;
            }
        }
        return false;
    }

    /** The certificate served for host id, if it has one yet (for tests and status). */
    public Optional<X509Certificate> certificate(String hostId) {
        Managed m = hosts.get(hostId);
        return m == null || m.certificate == null ? Optional.empty() : Optional.of(m.certificate.leaf());
    }

    private void load(Managed m) {
        String name = storage.certificateName(m.name());
        Optional<byte[]> bytes;
        try {
            bytes = storage.storage().get(name);
        } catch (StorageException e) {
            log.error("acme: {}: cannot read the stored certificate ({}); trying again later", m.name(), e.getMessage());
            return;
        }
        if (bytes.isEmpty()) {
            return;
        }
        m.seen = bytes.get();
        KeyedCertificate stored;
        try {
            stored = KeyedCertificate.parse(storage.where(name), bytes.get());
        } catch (StartupError e) {
            log.error("acme: {}: the stored certificate does not read ({}); ordering a new one", m.name(), e.getMessage());
            return;
        }
        List<String> missing = m.host.names().stream().filter(n -> !stored.names().contains(n)).toList();
        if (!missing.isEmpty()) {
            log.info("acme: {}: the stored certificate does not cover {}; ordering one that does", m.name(), missing);
            return;
        }
        m.certificate = stored;
        store.install(m.host.id(), stored);
        log.info("acme: {}: serving the stored certificate, valid until {} (issued by {})", m.name(),
                stored.leaf().getNotAfter().toInstant(), CertificateInfo.issuer(stored.leaf()));
    }

    /** One turn of acme-sync: every host's stored certificate, installed when newer than the one served. */
    private void syncAll() {
        try {
            for (Managed m : List.copyOf(hosts.values())) {
                if (closed) {
                    return;
                }
                sync(m);
            }
            SharedChallenges shared = sharedChallenges;
            if (shared != null && shared.holding()) {
                shared.reload(); // the signal that a validation ended may have been lost (the database was away)
            }
            storageBack();
        } catch (StorageException e) {
            storageLost(e);
        } catch (RuntimeException e) {
            log.error("acme: unexpected failure looking for new certificates in {}", storage.storage().describe(), e);
        }
    }

    /**
     * Installs m's stored certificate when it differs from the one served and is not older
     * (another node ordered or renewed it); true when it did. Throws StorageException when the
     * storage cannot be read.
     */
    private boolean sync(Managed m) {
        String name = storage.certificateName(m.name());
        Optional<byte[]> bytes = storage.storage().get(name);
        if (bytes.isEmpty() || Arrays.equals(bytes.get(), m.seen)) {
            return false;
        }
        KeyedCertificate stored;
        try {
            stored = KeyedCertificate.parse(storage.where(name), bytes.get());
        } catch (StartupError e) {
            m.seen = bytes.get();
            log.warn("acme: {}: the certificate another node stored does not read ({}); keeping the one served",
                    m.name(), e.getMessage());
            return false;
        }
        synchronized (m) {
            m.seen = bytes.get();
            KeyedCertificate current = m.certificate;
            if (current != null && (current.leaf().equals(stored.leaf())
                    || stored.leaf().getNotBefore().before(current.leaf().getNotBefore()))) {
                return false;
            }
            if (!stored.names().containsAll(m.host.names()) || hosts.get(m.host.id()) != m) {
                return false;
            }
            serve(m, stored);
        }
        log.info("acme: {}: installed the certificate another node stored, valid until {}", m.name(),
                stored.leaf().getNotAfter().toInstant());
        return true;
    }

    /**
     * The shared storage cannot be reached: the certificates held keep serving, orders and renewals
     * wait. Said in the log by the storage's heartbeat (once when the database goes, once when it is
     * back), so only at debug level here.
     */
    private void storageLost(StorageException e) {
        if (storageDown.compareAndSet(false, true)) {
            log.debug("acme: cannot reach {} ({}); orders and renewals wait", storage.storage().describe(),
                    e.getMessage());
        }
    }

    private void storageBack() {
        if (storageDown.compareAndSet(true, false)) {
            log.debug("acme: {} is reachable again; orders and renewals go on", storage.storage().describe());
        }
    }

    private void loop() {
        while (!closed) {
            Instant now = clock.instant();
            for (Managed m : List.copyOf(hosts.values())) {
                if (closed) {
                    return;
                }
                if (!now.isBefore(m.nextAttempt)) {
                    try {
                        maintain(m);
                    } catch (InterruptedException e) {
                        return; // closing
                    } catch (RuntimeException e) {
                        // a bug must not end the loop that keeps every other certificate alive
                        log.error("acme: {}: unexpected failure; retrying later", m.name(), e);
                        failed(m, "unexpected failure: " + e, Optional.empty());
                    }
                }
            }
            sleepUntilNextCheck();
        }
    }

    private void sleepUntilNextCheck() {
        Instant now = clock.instant();
        Instant next = now.plus(spec.checkInterval());
        for (Managed m : hosts.values()) {
            if (m.nextAttempt.isBefore(next)) {
                next = m.nextAttempt;
            }
        }
        long millis = Math.max(10, Duration.between(now, next).toMillis());
        synchronized (wake) {
            try {
                if (!closed) {
                    wake.wait(millis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
        }
    }

    private void maintain(Managed m) throws InterruptedException {
        Instant now = clock.instant();
        storeUnstored(m);
        KeyedCertificate current = m.certificate;
        if (current == null) {
            boolean asked = m.renewRequested;
            m.renewRequested = false;
            order(m, Optional.empty(), asked);
            return;
        }
        if (m.renewRequested) {
            m.renewRequested = false;
            log.info("acme: {}: renewing the certificate valid until {} (asked for)", m.name(),
                    current.leaf().getNotAfter().toInstant());
            order(m, Optional.of(current.leaf()), true);
            return;
        }
        X509Certificate leaf = current.leaf();
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (!now.isBefore(m.nextAriCheck)) {
            m.nextAriCheck = now.plus(spec.checkInterval());
            checkAri(m, leaf, now);
        }
        if (RenewalPolicy.due(now, notBefore, notAfter, spec.renewBefore(), m.ariTime)) {
            boolean byAri = m.ariTime.isPresent() && !now.isBefore(m.ariTime.get())
                    && now.isBefore(RenewalPolicy.renewalTime(notBefore, notAfter, spec.renewBefore()));
            log.info("acme: {}: renewing the certificate valid until {} ({})", m.name(), notAfter,
                    byAri ? "inside the CA's renewal window (ARI)" : "less than " + (spec.renewBefore().isPresent()
                            ? "renew-before " + spec.renewBefore().get() : "a third of its lifetime") + " left");
            order(m, Optional.of(leaf), false);
        }
    }

    /**
     * {@link #obtain} on one machine; in a cluster only while holding the host's order lock, and
     * only when the storage has no newer certificate than the one served (another node's order,
     * which is installed instead). A node that finds the lock taken tries again after the sync
     * interval, by when the holder has usually stored what it ordered.
     */
    private void order(Managed m, Optional<X509Certificate> replacing, boolean asked) throws InterruptedException {
        if (!storage.shared()) {
            obtain(m, replacing, () -> true);
            return;
        }
        Optional<Storage.Lease> lease;
        try {
            lease = storage.storage().tryLock(storage.orderLock(m.name()));
        } catch (StorageException e) {
            storageLost(e);
            m.renewRequested |= asked;
            m.nextAttempt = clock.instant().plus(syncInterval);
            return;
        }
        if (lease.isEmpty()) {
            log.info("acme: {}: another node is ordering its certificate; this one installs it from the storage",
                    m.name());
            m.renewRequested |= asked;
            m.nextAttempt = clock.instant().plus(syncInterval);
            return;
        }
        try (Storage.Lease held = lease.get()) {
            try {
                if (sync(m)) {
                    return; // another node ordered it while this one waited: no second order
                }
            } catch (StorageException e) {
                storageLost(e);
                m.renewRequested |= asked;
                m.nextAttempt = clock.instant().plus(syncInterval);
                return;
            }
            storageBack();
            obtain(m, replacing, held::held);
        }
    }

    /** Stores a certificate served from memory since its storing failed; quiet while it still fails (logged then). */
    private void storeUnstored(Managed m) {
        String pem = m.unstored;
        if (pem == null) {
            return;
        }
        String name = storage.certificateName(m.name());
        Path file = storage.where(name);
        try {
            storage.storage().putSecret(name, pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            m.unstored = null;
            log.info("acme: {}: stored the certificate served from memory in {}", m.name(), file);
        } catch (StorageException e) {
            log.debug("acme: {}: still cannot store the certificate in {}: {}", m.name(), file, e.getMessage());
        }
    }

    private void checkAri(Managed m, X509Certificate leaf, Instant now) {
        try {
            Optional<AcmeClient.Window> window = client.renewalWindow(leaf);
            if (window.isEmpty()) {
                m.ariTime = Optional.empty(); // no ARI at this CA: the lifetime rule decides
                m.ariWindow = Optional.empty();
                return;
            }
            AcmeClient.Window w = window.get();
            m.ariWindow = window;
            m.ariTime = Optional.of(RenewalPolicy.ariTime(w.start(), w.end(), now, random));
            w.retryAfter().filter(t -> t.isAfter(m.nextAriCheck)).ifPresent(t -> m.nextAriCheck = t);
            log.debug("acme: {}: ARI window {} .. {}, renewing at {}", m.name(), w.start(), w.end(), m.ariTime.get());
            w.explanation().ifPresent(e -> log.info("acme: {}: the CA suggests renewal between {} and {}: {}",
                    m.name(), w.start(), w.end(), e));
        } catch (AcmeException | IOException e) {
            log.warn("acme: {}: could not ask the CA for its renewal window (ARI): {}; the lifetime rule decides",
                    m.name(), e.getMessage());
        }
    }

    /**
     * One order for m's names; on success the certificate is stored and served, on failure retried
     * later. held says whether this node still holds the order lock (in a cluster): when it no
     * longer does, the order stops before its next step (a challenge, the finalization, the
     * storing) and is left to the node that holds the lock next.
     */
    private void obtain(Managed m, Optional<X509Certificate> replacing, java.util.function.BooleanSupplier held)
            throws InterruptedException {
        long began = System.nanoTime();
        try {
            AcmeClient.Issued issued = client.order(m.name(), m.host.names(), replacing, spec.challengeFor(m.host.id()),
                    held);
            X509Certificate leaf = issued.chain().get(0);
            log.info("acme: {}: issued by {}, valid until {} ({} ms)", m.name(), CertificateInfo.issuer(leaf),
                    leaf.getNotAfter().toInstant(), (System.nanoTime() - began) / 1_000_000);
            if (!held.getAsBoolean()) {
                throw new AcmeClient.LockLost("storing the certificate");
            }
            String name = storage.certificateName(m.name());
            Path file = storage.where(name);
            KeyedCertificate fresh;
            try {
                byte[] pem = issued.pem().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                storage.storage().putSecret(name, pem);
                fresh = KeyedCertificate.parse(file, storage.storage().get(name).orElse(new byte[0]));
                m.seen = pem;
                m.unstored = null;
            } catch (StorageException e) {
                // A full disk, say. Ordering again would meet the same disk and spend the CA's rate
                // limits (Let's Encrypt: 5 certificates for the same names a week): serve this one from
                // memory and store it at a later check.
                log.error("acme: {}: could not store the new certificate in {} ({}); serving it from memory and "
                        + "storing it when the state directory takes it (a restart before that orders again)",
                        m.name(), file, e.getMessage());
                fresh = KeyedCertificate.of(file, issued.chain(), issued.key());
                m.unstored = issued.pem();
            }
            if (!fresh.leaf().equals(leaf)) {
                throw new IOException("the stored certificate " + file + " is not the one just issued");
            }
            if (hosts.get(m.host.id()) != m) {
                orders.ordered("issued");
                log.info("acme: {}: the host changed while ordering; stored, not served", m.name());
                return;
            }
            orders.ordered("issued");
            synchronized (m) {
                serve(m, fresh);
            }
            log.info("acme: {}: installed; new connections get the certificate valid until {}", m.name(),
                    leaf.getNotAfter().toInstant());
        } catch (AcmeClient.LockLost e) {
            log.warn("acme: {}: lost the order lock (its database session ended) before {}; stopping this order, the"
                    + " node that holds the lock next orders the certificate", m.name(), e.getMessage());
            m.nextAttempt = clock.instant().plus(syncInterval);
        } catch (AcmeException | IOException | StartupError | StorageException e) {
            if (closed) {
                log.info("acme: {}: the order was cut short by the shutdown; the next start orders again", m.name());
                return;
            }
            report(m, e);
        }
    }

    /** Serves certificate for m from the next handshake, with a clean schedule (no failures, ARI asked anew); holding m. */
    private void serve(Managed m, KeyedCertificate certificate) {
        m.certificate = certificate;
        m.failures = 0;
        m.nextAttempt = Instant.EPOCH;
        m.lastError = null;
        m.lastErrorAt = null;
        m.ariTime = Optional.empty();
        m.ariWindow = Optional.empty();
        m.nextAriCheck = clock.instant().plus(spec.checkInterval());
        store.install(m.host.id(), certificate);
    }

    /** Says what went wrong and what to do, and schedules the next attempt. */
    private void report(Managed m, Exception failure) {
        String message;
        String outcome;
        Optional<Instant> retryAfter = Optional.empty();
        try {
            throw failure;
        } catch (AcmeRateLimitedException e) {
            outcome = "rate_limited";
            message = "the CA rate-limits this order: " + detail(e)
                    + (e.getDocuments().isEmpty() ? "" : " (see " + e.getDocuments().iterator().next() + ")");
            retryAfter = e.getRetryAfter();
        } catch (AcmeNetworkException e) {
            outcome = "network";
            message = "cannot reach the CA at " + spec.directory() + ": " + rootMessage(e)
                    + "; check the network, a proxy, or acme.directory";
        } catch (AcmeClient.ChallengeFailed e) {
            outcome = "challenge_failed";
            message = e.getMessage();
        } catch (AcmeServerException e) {
            outcome = "refused";
            message = "the CA refused: " + detail(e);
        } catch (Exception e) {
            outcome = "failed";
            message = "ordering failed: " + rootMessage(e);
        }
        orders.ordered(outcome);
        log.error("acme: {}: {}", m.name(), message);
        failed(m, message, retryAfter);
    }

    private void failed(Managed m, String error, Optional<Instant> retryAfter) {
        m.failures++;
        Instant now = clock.instant();
        m.lastError = error;
        m.lastErrorAt = now;
        Duration delay = RenewalPolicy.retryDelay(m.failures, now, retryAfter, random);
        m.nextAttempt = now.plus(delay);
        KeyedCertificate current = m.certificate;
        if (current == null) {
            log.warn("acme: {}: no certificate yet (HTTPS for it fails until there is one); attempt {} failed,"
                    + " next in {}", m.name(), m.failures, human(delay));
            return;
        }
        Instant notBefore = current.leaf().getNotBefore().toInstant();
        Instant notAfter = current.leaf().getNotAfter().toInstant();
        if (RenewalPolicy.expiryNear(now, notBefore, notAfter)) {
            log.error("acme: {}: RENEWAL FAILING and the certificate expires {} ({} from now); still serving it,"
                    + " next attempt in {}. Fix the cause above or browsers will refuse this site", m.name(), notAfter,
                    human(Duration.between(now, notAfter)), human(delay));
        } else {
            log.warn("acme: {}: renewal failed (attempt {}); the certificate valid until {} keeps serving; next attempt"
                    + " in {}", m.name(), m.failures, notAfter, human(delay));
        }
    }

    private static String detail(AcmeServerException e) {
        return e.getProblem().getDetail().orElse(e.getMessage());
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
            return "its host name does not resolve (no DNS, or a typo)";
        }
        if (t instanceof java.net.ConnectException || t instanceof java.nio.channels.ClosedChannelException) {
            return "the connection was refused or closed (is the CA's server up, is a firewall in the way?)";
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return t == e ? m : e.getMessage() + " (" + m + ")";
    }

    static String human(Duration d) {
        if (d.toDays() >= 2) {
            return d.toDays() + " days";
        }
        if (d.toHours() >= 2) {
            return d.toHours() + " h";
        }
        if (d.toMinutes() >= 2) {
            return d.toMinutes() + " min";
        }
        return Math.max(d.toSeconds(), 0) + " s";
    }

    /** Storage that will not survive (a temp dir) or cannot be written leads into the CA's rate limits. */
    private void warnAboutStorage() {
        if (storage.shared()) {
            return; // in the database, not the state directory
        }
        Path dir = stateDir.toAbsolutePath().normalize();
        List<Path> temporary = new ArrayList<>(List.of(Path.of("/tmp"), Path.of("/var/tmp"), Path.of("/dev/shm")));
        temporary.add(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize());
        for (Path t : temporary) {
            if (dir.startsWith(t)) {
                log.warn("acme: the state directory {} is under the temporary directory {}: the ACME account and"
                        + " certificates may not survive a reboot, and ordering them again on every start runs into the"
                        + " CA's rate limits (Let's Encrypt: 5 identical certificates a week). Give --state DIR or"
                        + " state-dir on lasting storage", dir, t);
                break;
            }
        }
        Path root = storage.root();
        try {
            Files.createDirectories(root);
            if (!Files.isWritable(root)) {
                throw new IOException("not writable");
            }
        } catch (IOException e) {
            log.warn("acme: cannot write ACME state to {} ({}): certificates would be ordered again on every start;"
                    + " make it writable", root, e.getMessage());
        }
    }

    @Override
    public String name() {
        return "acme";
    }

    /** {@link #startMaintenance}: {@link #loadStored} came before, when the listeners were not open yet. */
    @Override
    public void start() {
        startMaintenance();
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public String describe() {
        List<HostState> hosts = status();
        long served = hosts.stream().filter(h -> h.certificate().isPresent()).count();
        return hosts.size() + " host(s) with tls = auto, " + served + " with a certificate";
    }

    /** Stops the maintenance thread (an order in flight is interrupted; its certificate is ordered at the next start). */
    @Override
    public void close() {
        closed = true;
        Thread t;
        ScheduledExecutorService s;
        synchronized (this) {
            t = thread;
            s = sync;
        }
        if (s != null) {
            s.shutdownNow();
        }
        SharedChallenges shared = sharedChallenges;
        if (shared != null) {
            shared.close();
        }
        synchronized (wake) {
            wake.notifyAll();
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
