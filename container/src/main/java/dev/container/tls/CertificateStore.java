package dev.container.tls;

import dev.container.StartupError;
import dev.container.config.CertSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates the HTTPS listeners serve, swapped atomically while the server runs: a
 * certificate or key file that changes on disk (a renewal, a deploy) is read again and serves the
 * next new connection; one that no longer reads (half written, mismatched) is logged and the
 * running certificates stay. Beside the files, managed certificates (ACME's, by host) are
 * installed and replaced programmatically ({@link #install}); they come after the files' in each
 * snapshot, so the first file certificate stays the default. Each snapshot has a generation, so
 * a handshake that started on one snapshot finds its chain and key in it even if the next one
 * arrived meanwhile. tls-alpn-01 challenge certificates ({@link #putChallenge}) are kept apart:
 * they are served only to a client that offers ALPN {@code acme-tls/1}. Thread-safe.
 */
public final class CertificateStore implements AutoCloseable, dev.container.Service {
    /** How often {@link #start} checks the certificate files for a change on disk. */
    public static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger("container");

    /**
     * Beyond this many certificate files, keys are read on first use ({@link KeyedCertificate#deferred}):
     * checking a key takes a signature and its verification, about 2 ms for ECDSA P-256, so 10,000
     * checked at start would take 20 s. Up to it, a key that does not belong stops the start.
     */
    public static final int EAGER_KEYS = 100;
    /** Beyond this many files, the watcher checks them less often: every CHECK_INTERVAL per thousand. */
    static final int FILES_PER_CHECK = 1_000;

    /**
     * One set of certificates as read together, with their positions by name for the handshake's
     * lookup (a map, however many certificates): for each name, the certificates that cover it
     * by key type, ECDSA first, then RSA, then Ed25519. A wildcard is a name "*.example.com".
     */
    record Snapshot(int generation, List<KeyedCertificate> certificates, Map<String, int[]> byName) {
        static Snapshot of(int generation, List<KeyedCertificate> certificates) {
            Map<String, List<Integer>> positions = new HashMap<>();
            // EC before RSA, as Mozilla's guidelines prefer ECDSA where the client takes it
            for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
                for (int i = 0; i < certificates.size(); i++) {
                    KeyedCertificate c = certificates.get(i);
                    if (c.keyAlgorithm().equals(algorithm)) {
                        for (String name : c.names()) {
                            positions.computeIfAbsent(name, n -> new ArrayList<>(1)).add(i);
                        }
                    }
                }
            }
            Map<String, int[]> byName = new HashMap<>(positions.size() * 4 / 3 + 1);
            positions.forEach((name, list) -> byName.put(name, list.stream().mapToInt(Integer::intValue).toArray()));
            return new Snapshot(generation, certificates, byName);
        }

        /** The positions of the certificates for name (lower case), in order of preference; empty when none. */
        int[] covering(String name) {
            int[] found = byName.get(name);
            return found == null ? NONE : found;
        }

        private static final int[] NONE = new int[0];
    }

    private volatile List<CertSpec> specs;
    /** The certificates read from specs, as last read successfully. */
    private volatile List<KeyedCertificate> fromFiles;
    /** Managed certificates by id (a host), in the order first installed. Guarded by this. */
    private final Map<String, KeyedCertificate> managed = new LinkedHashMap<>();
    /** tls-alpn-01 certificates by the name being validated. */
    private final Map<String, KeyedCertificate> challenges = new ConcurrentHashMap<>();
    private volatile Snapshot current;
    private volatile Snapshot previous;
    private volatile List<String> stamps;
    private Thread watcher;
    private volatile boolean closed;
    /** The keys of deferred certificates read so far (more than {@link #EAGER_KEYS} files). */
    private final KeyCache keys = new KeyCache(KeyCache.DEFAULT_CAPACITY);
    /** Told after each swap (OCSP stapling looks at new certificates at once). */
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /**
     * Reads every certificate now: a {@link StartupError} names the first file at fault. With no
     * specs the store starts empty (handshakes fail) until a managed certificate is installed.
     */
    public CertificateStore(List<CertSpec> specs) {
        this.specs = List.copyOf(specs);
        this.fromFiles = read(this.specs, keys);
        this.current = Snapshot.of(0, fromFiles);
        this.previous = current;
        // the files' stamps are taken by the watcher when it starts (ten thousand stat calls are not the start's to wait for)
    }

    Snapshot current() {
        return current;
    }

    /** The snapshot of that generation, if it is still the current or the one before. */
    Snapshot snapshot(int generation) {
        Snapshot now = current;
        if (now.generation() == generation) {
            return now;
        }
        Snapshot before = previous;
        return before.generation() == generation ? before : null;
    }

    /** Serves these certificates from the next handshake on (a reload); false, logged, when they do not read. */
    public synchronized boolean replace(List<CertSpec> next) {
        try {
            List<KeyedCertificate> read = read(next, keys);
            specs = List.copyOf(next);
            fromFiles = read;
            swap();
            stamps = stamps(specs);
            return true;
        } catch (StartupError e) {
            log.error("TLS: {}; the running certificates stay", e.getMessage());
            return false;
        }
    }

    /**
     * Checks the files every interval (every interval per {@link #FILES_PER_CHECK} files beyond
     * that many) and reads them again when one changed and then held still.
     */
    public synchronized void watch(Duration interval) {
        if (watcher != null) {
            return;
        }
        watcher = new Thread(() -> {
            synchronized (this) {
                if (stamps == null) {
                    stamps = stamps(specs);
                }
            }
            List<String> pending = null;
            while (!closed) {
                try {
                    // a stat per file: 20,000 of them every 2 s would take a few percent of a core
                    Thread.sleep(interval.toMillis() * Math.max(1, specs.size() / FILES_PER_CHECK));
                } catch (InterruptedException e) {
                    return;
                }
                List<String> now = stamps(specs);
                if (now.equals(stamps)) {
                    pending = null;
                } else if (now.equals(pending)) {
                    pending = null;
                    if (replace(specs)) {
                        log.info("TLS: certificates read again after a change on disk: {}", names());
                    } else {
                        stamps = now; // do not retry the same broken files every interval
                    }
                } else {
                    pending = now;
                }
            }
        }, "tls-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /**
     * Serves certificate for its names from the next handshake on, in place of the one installed
     * before under the same id (a renewal). Names the files also cover keep the files' certificate
     * only if it is listed first for the key type: file certificates come first in each snapshot.
     */
    public synchronized void install(String id, KeyedCertificate certificate) {
        managed.put(id, certificate);
        swap();
    }

    /** Stops serving the managed certificate of id (a host no longer on tls = auto). */
    public synchronized void remove(String id) {
        if (managed.remove(id) != null) {
            swap();
        }
    }

    /**
     * A certificate served now.
     *
     * @param spec the files it was read from; empty for a managed one
     * @param managedId the id it was installed under ({@link #install}); empty for one from files
     */
    public record Served(Optional<CertSpec> spec, Optional<String> managedId, KeyedCertificate certificate) {
    }

    /** Every certificate served now: the files' in their order, then the managed ones (for the control API). */
    public synchronized List<Served> served() {
        List<Served> all = new ArrayList<>();
        List<CertSpec> files = specs;
        List<KeyedCertificate> read = fromFiles;
        for (int i = 0; i < read.size() && i < files.size(); i++) {
            all.add(new Served(Optional.of(files.get(i)), Optional.empty(), read.get(i)));
        }
        managed.forEach((id, certificate) -> all.add(new Served(Optional.empty(), Optional.of(id), certificate)));
        return all;
    }

    /** The managed certificate installed under id, if any. */
    public synchronized Optional<KeyedCertificate> installed(String id) {
        return Optional.ofNullable(managed.get(id));
    }

    /** Runs listener after each change of the served certificates; it must return quickly (hand work to its own thread). */
    void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Serves certificate to clients that offer ALPN acme-tls/1 for name (RFC 8737), until removed. */
    public void putChallenge(String name, KeyedCertificate certificate) {
        challenges.put(name.toLowerCase(Locale.ROOT), certificate);
    }

    public void removeChallenge(String name) {
        challenges.remove(name.toLowerCase(Locale.ROOT));
    }

    /** The tls-alpn-01 certificate for name, or null. */
    KeyedCertificate challenge(String name) {
        return challenges.get(name.toLowerCase(Locale.ROOT));
    }

    /** Whether any tls-alpn-01 challenge is being answered (the handshake path checks this first). */
    boolean answeringChallenges() {
        return !challenges.isEmpty();
    }

    private synchronized void swap() {
        List<KeyedCertificate> all = new ArrayList<>(fromFiles);
        all.addAll(managed.values());
        Snapshot next = Snapshot.of(current.generation() + 1, List.copyOf(all));
        previous = current;
        current = next;
        listeners.forEach(Runnable::run);
    }

    private List<String> names() {
        List<String> names = new ArrayList<>();
        current.certificates().forEach(c -> names.addAll(c.names()));
        return names;
    }

    private static List<KeyedCertificate> read(List<CertSpec> specs, KeyCache keys) {
        if (specs.size() > EAGER_KEYS) {
            return specs.stream().map(s -> KeyedCertificate.deferred(s, keys)).toList();
        }
        return specs.stream().map(s -> KeyedCertificate.read(s)).toList();
    }

    /** The keys of deferred certificates (for tests: how many were read). */
    KeyCache keys() {
        return keys;
    }

    /** The certificates read from the files, in their order (for the start's checks, which need not read them again). */
    public List<KeyedCertificate> fromFiles() {
        return fromFiles;
    }

    private static List<String> stamps(List<CertSpec> specs) {
        List<String> stamps = new ArrayList<>();
        for (CertSpec spec : specs) {
            for (Path file : List.of(spec.cert(), spec.key())) {
                try {
                    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                    stamps.add(a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + Objects.toString(a.fileKey()));
                } catch (IOException e) {
                    stamps.add("missing");
                }
            }
        }
        return stamps;
    }

    @Override
    public String name() {
        return "certificates";
    }

    /** Watches the files ({@link #watch}) every {@link #CHECK_INTERVAL}. */
    @Override
    public void start() {
        watch(CHECK_INTERVAL);
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public String describe() {
        int n = served().size();
        return n + (n == 1 ? " certificate" : " certificates") + " served";
    }

    @Override
    public void close() {
        closed = true;
        if (watcher != null) {
            watcher.interrupt();
        }
    }
}
