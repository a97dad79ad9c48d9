package dev.container.storage;

import dev.container.Service;
import dev.container.StartupError;
import java.time.Duration;
import dev.container.config.StorageSpec;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running part "storage" of a cluster node ({@code storage { type = postgres }}): at start it
 * connects (a HikariCP pool), migrates the schema (Flyway) and writes this node's first
 * heartbeat, then one every few seconds ({@link Heartbeat}); at stop it removes its heartbeat row
 * and closes the pool. Gives the other parts the {@link #storage()} and the pool
 * ({@link #dataSource()}, for the job store and the sessions of a cluster), and the status the
 * nodes' heartbeats ({@link #nodes()}) and whether the database is reachable. A database that
 * cannot be reached at start is waited for a while, then fails the start with a
 * {@link StartupError#temporary} (the process exits 75, which the systemd unit restarts); one lost
 * later is said once in the log (the heartbeat) and comes back by itself. A node named in the
 * config ({@code storage.node}) that is already running elsewhere fails the start for good.
 * With {@code type = files} there is no such part: the container uses a {@link FileStorage}.
 */
public final class StorageService implements Service {
    private static final Logger log = LoggerFactory.getLogger("container");
    /** How long a start waits for a database that cannot be reached. */
    public static final Duration START_WAIT = Duration.ofSeconds(30);

    private final StorageSpec.InPostgres spec;
    private final Node self;
    private volatile PostgresStorage storage;
    private volatile Heartbeat heartbeat;

    /** The storage of spec for this node; nothing opens before {@link #start()}. */
    public StorageService(StorageSpec.InPostgres spec, Node self) {
        this.spec = spec;
        this.self = self;
    }

    @Override
    public String name() {
        return "storage";
    }

    /**
     * Connects, migrates and writes the first heartbeat. A database that cannot be reached is
     * waited for up to {@link #START_WAIT} (said once in the log: nodes and their database often
     * start together); then, or at any other failure, a {@link StartupError} of one line.
     */
    @Override
    public void start() throws Exception {
        try {
            storage = open();
            heartbeat = new Heartbeat(storage.dataSource(), self, Database.where(spec));
            try {
                heartbeat.start();
            } catch (java.sql.SQLException e) {
                throw Database.failure("cannot write this node's heartbeat to " + spec.safeUrl(), e);
            }
        } catch (StorageUnavailableException e) {
            // the database may come later: the service manager starts the node again (exit status 75)
            throw StartupError.temporary("storage: " + e.getMessage() + " (waited " + START_WAIT.toSeconds()
                    + " s; exit status " + StartupError.TEMPORARY + ", for the service manager to start the node again)", e);
        } catch (StorageException e) {
            throw new StartupError("storage: " + e.getMessage(), e);
        }
        Schema.Migrated schema = storage.schema();
        log.info("storage: postgres at {}, schema version {}{}; node {} ({} pid {})", Database.where(spec),
                schema.version(), schema.applied() == 0 ? "" : " (" + schema.applied() + " migration(s) applied)",
                self.id(), self.host(), self.pid());
    }

    /** The storage, once the database answers (within {@link #START_WAIT}). */
    private PostgresStorage open() throws InterruptedException {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        boolean said = false;
        while (true) {
            try {
                return PostgresStorage.open(spec, self.applicationName());
            } catch (StorageUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                if (!said) {
                    log.warn("storage: waiting up to {} s for the database at {} ({})", START_WAIT.toSeconds(),
                            Database.where(spec), Database.reason(e));
                    said = true;
                }
                Thread.sleep(1_000);
            }
        }
    }

    /** The shared storage; null before the start. */
    public Storage storage() {
        return storage;
    }

    /** The pool of the storage's database, for the job store and the sessions (do not close it). */
    public DataSource dataSource() {
        return storage.dataSource();
    }

    public StorageSpec.InPostgres spec() {
        return spec;
    }

    /** This node. */
    public Node self() {
        return self;
    }

    /** The schema's version ("1"); "none" before the start. */
    public String schemaVersion() {
        PostgresStorage open = storage;
        return open == null ? "none" : open.schema().version();
    }

    /** Whether the database answered the last heartbeat (true before the first). */
    public boolean reachable() {
        Heartbeat beat = heartbeat;
        return beat == null || beat.up();
    }

    /** Since when the database has been reachable, or not. */
    public Instant since() {
        Heartbeat beat = heartbeat;
        return beat == null ? self.started() : beat.since();
    }

    /** Why the last heartbeat failed; empty while the database is reachable. */
    public Optional<String> lastError() {
        Heartbeat beat = heartbeat;
        return beat == null ? Optional.empty() : beat.lastError();
    }

    /**
     * Every node's heartbeat row, this one among them, oldest start first; empty before the start.
     * Throws a {@link StorageException} when the database cannot be read now.
     */
    public List<Heartbeat.NodeState> nodes() {
        Heartbeat beat = heartbeat;
        return beat == null ? List.of() : beat.nodes();
    }

    @Override
    public void stop() {
        Heartbeat beat = heartbeat;
        heartbeat = null;
        if (beat != null) {
            beat.close();
        }
        PostgresStorage open = storage;
        if (open != null) {
            open.close();
        }
    }

    @Override
    public String describe() {
        Heartbeat beat = heartbeat;
        if (beat == null) {
            return "postgres at " + spec.safeUrl();
        }
        if (!beat.up()) {
            return "postgres at " + spec.safeUrl() + ": unreachable since " + beat.since() + " ("
                    + beat.lastError().orElse("") + ")";
        }
        try {
            long alive = beat.nodes().stream().filter(Heartbeat.NodeState::alive).count();
            return "postgres at " + spec.safeUrl() + ", schema version " + storage.schema().version() + "; " + alive
                    + " node(s) alive";
        } catch (StorageException e) {
            return "postgres at " + spec.safeUrl() + ": " + e.getMessage();
        }
    }
}
