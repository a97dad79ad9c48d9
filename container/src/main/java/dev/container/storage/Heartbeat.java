package dev.container.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's row in {@code container_nodes}, written every {@link #INTERVAL} on a thread of its
 * own ("storage-heartbeat"), and the rows of every node for the status. Also the one place that
 * tells the log whether the database is reachable: one line when a heartbeat fails after one
 * that did not (the database went away), one when a heartbeat succeeds again (it is back), none
 * per attempt in between. Rows of nodes not seen for a day are removed. At start it refuses a
 * name that a live node has ({@link #start}). Thread-safe.
 */
public final class Heartbeat implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("container");
    /** How often the row is written. */
    public static final Duration INTERVAL = Duration.ofSeconds(5);
    /** A node whose row is older than this is not running (three heartbeats missed). */
    public static final Duration ALIVE = INTERVAL.multipliedBy(3);
    /** Rows of nodes gone this long are removed. */
    static final Duration FORGET = Duration.ofDays(1);

    private final DataSource dataSource;
    private final Node self;
    private final String where;
    private final Duration interval;
    private final ScheduledExecutorService timer;
    /** Whether the last heartbeat reached the database; since when it has or has not. */
    private volatile boolean up = true;
    private volatile Instant since = Instant.now();
    private volatile Optional<String> lastError = Optional.empty();
    private int beats;
    /** Whether the row is this process's (written by {@link #start}): only then does close remove it. */
    private volatile boolean claimed;
    /** Heartbeats tried since the start, for tests that wait for some to fail. */
    private final java.util.concurrent.atomic.AtomicLong attempts = new java.util.concurrent.atomic.AtomicLong();

    /** The heartbeat of self in dataSource's database (where names it for the log); {@link #start()} it. */
    public Heartbeat(DataSource dataSource, Node self, String where) {
        this(dataSource, self, where, INTERVAL);
    }

    Heartbeat(DataSource dataSource, Node self, String where, Duration interval) {
        this.dataSource = dataSource;
        this.self = self;
        this.where = where;
        this.interval = interval;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "storage-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Claims this node's row and writes the first heartbeat now (its failure is the caller's), then
     * one every interval. A row of this name that is alive is another node's while it keeps
     * changing: then a {@link StorageException} says so, and nothing is written. A row that stops
     * changing is a dead node's (killed, its machine gone): it is taken over once it is no longer
     * alive, at most {@link #ALIVE} after its last heartbeat.
     */
    public void start() throws SQLException, InterruptedException {
        claim();
        write();
        claimed = true;
        timer.scheduleWithFixedDelay(this::beat, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void claim() throws SQLException, InterruptedException {
        Optional<Row> first = aliveRow();
        if (first.isEmpty()) {
            return;
        }
        Optional<Row> now = first;
        while (now.isPresent()) {
            if (!now.get().lastSeen().equals(first.get().lastSeen())) {
                throw new StorageException("another node named " + self.id() + " is running (host " + now.get().host()
                        + ", pid " + now.get().pid() + "): give each node its own storage.node", null);
            }
            Thread.sleep(Math.min(500, interval.toMillis()));
            now = aliveRow();
        }
    }

    /** This node's name's row, if a node with that name was seen within {@link #ALIVE}. */
    private Optional<Row> aliveRow() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT host, pid, last_seen FROM container_nodes WHERE id = ?"
                        + " AND last_seen > now() - make_interval(secs => ?)")) {
            s.setString(1, self.id());
            s.setLong(2, ALIVE.toSeconds());
            try (ResultSet rows = s.executeQuery()) {
                return rows.next() ? Optional.of(new Row(rows.getString(1), rows.getLong(2), rows.getTimestamp(3).toInstant()))
                        : Optional.empty();
            }
        }
    }

    private record Row(String host, long pid, Instant lastSeen) {
    }

    /** One heartbeat; logs a change of reachability, once. Never throws. */
    void beat() {
        attempts.incrementAndGet();
        try {
            write();
            if (!up) {
                log.info("storage: the database at {} is back (it was unreachable for {} s)", where,
                        Duration.between(since, Instant.now()).toSeconds());
                up = true;
                since = Instant.now();
                lastError = Optional.empty();
            }
            if (++beats % 60 == 0) {
                forgetGone();
            }
        } catch (SQLException | RuntimeException e) {
            lastError = Optional.of(Database.reason(e));
            if (up) {
                log.warn("storage: the database at {} is unreachable ({}); the node keeps serving what it holds and"
                        + " tries again every {} s", where, lastError.get(), interval.toSeconds());
                up = false;
                since = Instant.now();
            }
        }
    }

    private void write() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO container_nodes (id, host, pid, version, started, last_seen) VALUES (?, ?, ?, ?, ?, now())"
                        + " ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid,"
                        + " version = excluded.version, started = excluded.started, last_seen = now()")) {
            s.setString(1, self.id());
            s.setString(2, self.host());
            s.setLong(3, self.pid());
            s.setString(4, self.version());
            s.setTimestamp(5, Timestamp.from(self.started()));
            s.executeUpdate();
        }
    }

    private void forgetGone() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "DELETE FROM container_nodes WHERE last_seen < now() - make_interval(secs => ?)")) {
            s.setLong(1, FORGET.toSeconds());
            s.executeUpdate();
        }
    }

    /** How many heartbeats were tried since the start (the first one's not counted). */
    long attempts() {
        return attempts.get();
    }

    /** Whether the last heartbeat reached the database. */
    public boolean up() {
        return up;
    }

    /** Since when the database has been reachable (or not). */
    public Instant since() {
        return since;
    }

    /** Why the last heartbeat failed; empty while the database is reachable. */
    public Optional<String> lastError() {
        return lastError;
    }

    public Node self() {
        return self;
    }

    /**
     * Every node's row, oldest start first, with whether it is alive (seen within {@link #ALIVE},
     * by the database's clock). Throws a {@link StorageException} when the database cannot be read.
     */
    public List<NodeState> nodes() {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT id, host, pid, version, started, last_seen, last_seen > now() - make_interval(secs => ?)"
                        + " FROM container_nodes ORDER BY started, id")) {
            s.setLong(1, ALIVE.toSeconds());
            List<NodeState> nodes = new ArrayList<>();
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    Node node = new Node(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getString(4),
                            rows.getTimestamp(5).toInstant(), Optional.of(rows.getTimestamp(6).toInstant()));
                    nodes.add(new NodeState(node, rows.getBoolean(7), node.id().equals(self.id())));
                }
            }
            return nodes;
        } catch (SQLException e) {
            throw Database.failure("cannot read the nodes", e);
        }
    }

    /** A node and what its row says of it now. */
    public record NodeState(Node node, boolean alive, boolean self) {
    }

    /** Stops the heartbeats and removes this node's row (a clean stop: it is not a node that died). */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(Database.CONNECT_TIMEOUT.toSeconds() + 1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!up || !claimed) {
            return; // not worth a wait for the pool: the row ages and is forgotten; or it is another node's
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "DELETE FROM container_nodes WHERE id = ? AND host = ? AND pid = ?")) {
            s.setString(1, self.id());
            s.setString(2, self.host());
            s.setLong(3, self.pid());
            s.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            // the database is away: the row ages and is forgotten
        }
    }
}
