package dev.container.jobs;

import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * What {@link Jobs} needs to run as one node of a cluster ({@code storage { type = postgres }}):
 * the shared database, with Quartz's tables and the job history table made by the storage's
 * Flyway migrations, and this node's name.
 *
 * @param dataSource the storage's pool; Quartz borrows its connections and never closes the pool
 * @param node this node's name, unique among the running nodes: Quartz's instance id, and the
 *             node of each run in the history. A node restarted under the same name takes back
 *             its own unfinished firings at once; under a new name, the others do after
 *             {@code checkIn} and Quartz's grace period.
 * @param checkIn how often the node tells the others it is alive (Quartz's clusterCheckinInterval);
 *                a dead node's jobs are taken over 7.5 s after its next check-in was due, at the
 *                next check-in of another node
 */
public record JobCluster(DataSource dataSource, String node, Duration checkIn) {
    /** A few seconds: a dead node's jobs move within about 20 s, for one small query per node this often. */
    public static final Duration DEFAULT_CHECK_IN = Duration.ofSeconds(5);
    /**
     * Quartz's fired-trigger entry id is the instance id and a counter in a column of 95
     * characters; a longer node name would fail at the first firing.
     */
    static final int MAX_NODE = 80;

    public JobCluster {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(node, "node");
        if (node.isBlank() || node.length() > MAX_NODE) {
            throw new IllegalArgumentException("a node name of 1 to " + MAX_NODE + " characters, got '" + node + "'");
        }
        if (checkIn.toMillis() < 100) {
            throw new IllegalArgumentException("a check-in interval of at least 100 ms, got " + checkIn);
        }
    }

    public JobCluster(DataSource dataSource, String node) {
        this(dataSource, node, DEFAULT_CHECK_IN);
    }
}
