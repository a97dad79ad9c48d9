package dev.container.tls;

import dev.container.StartupError;
import dev.container.config.CertSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates the HTTPS listeners serve, swapped atomically while the server runs: a
 * certificate or key file that changes on disk (a renewal, a deploy) is read again and serves the
 * next new connection; one that no longer reads (half written, mismatched) is logged and the
 * running certificates stay. Each snapshot has a generation, so a handshake that started on one
 * snapshot finds its chain and key in it even if the next one arrived meanwhile. Thread-safe.
 */
public final class CertificateStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("container");

    /** One set of certificates as read together. */
    record Snapshot(int generation, List<KeyedCertificate> certificates) {
    }

    private volatile List<CertSpec> specs;
    private volatile Snapshot current;
    private volatile Snapshot previous;
    private volatile List<String> stamps;
    private Thread watcher;
    private volatile boolean closed;

    /** Reads every certificate now: a {@link StartupError} names the first file at fault. */
    public CertificateStore(List<CertSpec> specs) {
        this.specs = List.copyOf(specs);
        this.current = new Snapshot(0, read(this.specs));
        this.previous = current;
        this.stamps = stamps(this.specs);
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
            List<KeyedCertificate> read = read(next);
            specs = List.copyOf(next);
            install(read);
            stamps = stamps(specs);
            return true;
        } catch (StartupError e) {
            log.error("TLS: {}; the running certificates stay", e.getMessage());
            return false;
        }
    }

    /** Checks the files every interval and reads them again when one changed and then held still. */
    public synchronized void watch(Duration interval) {
        if (watcher != null) {
            return;
        }
        watcher = new Thread(() -> {
            List<String> pending = null;
            while (!closed) {
                try {
                    Thread.sleep(interval.toMillis());
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

    private void install(List<KeyedCertificate> read) {
        Snapshot next = new Snapshot(current.generation() + 1, read);
        previous = current;
        current = next;
    }

    private List<String> names() {
        List<String> names = new ArrayList<>();
        current.certificates().forEach(c -> names.addAll(c.names()));
        return names;
    }

    private static List<KeyedCertificate> read(List<CertSpec> specs) {
        return specs.stream().map(s -> KeyedCertificate.read(s)).toList();
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
    public void close() {
        closed = true;
        if (watcher != null) {
            watcher.interrupt();
        }
    }
}
