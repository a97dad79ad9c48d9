package dev.container.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The runs of a cluster's jobs, in the table {@code container_job_runs} (migration V2.1, made by
 * the storage's Flyway): each node adds a row when it starts a run (no end yet: running) and
 * completes it when the run ends, so {@code container jobs} on any node shows every node's runs.
 * A run whose node died never ends by itself: its row is closed as interrupted once Quartz has
 * taken the node's work over (its row in {@code container_qrtz_scheduler_state} is gone), or when
 * the node starts again under the same name. Each job keeps its latest {@code history} finished runs.
 *
 * <p>Thread-safe (one connection per call, from the storage's pool). Every method throws
 * SQLException when the database cannot be reached; the caller decides what that means.
 */
final class RunTable {
    /** PostgreSQL text cannot hold NUL: a command's binary output loses them. */
    private static final String NUL = "\u0000";

    private final DataSource db;
    private final String node;
    /** Quartz's scheduler name in its tables (SCHED_NAME): whose check-ins say which nodes live. */
    private final String scheduler;

    RunTable(DataSource db, String node, String scheduler) {
        this.db = db;
        this.node = node;
        this.scheduler = scheduler;
    }

    String node() {
        return node;
    }

    /**
     * Records that a run began on this node; its row id. Closes, on the way, the runs of nodes
     * the cluster has since given up on.
     *
     * @param scheduled the firing's scheduled time (for a rerun after a node's death, the original one)
     */
    long started(String job, Instant start, boolean manual, Instant scheduled, boolean recovered) throws SQLException {
        try (Connection c = db.getConnection()) {
            closeLost(c);
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO container_job_runs (job, node, scheduled, started, manual, recovered)
                    VALUES (?, ?, ?, ?, ?, ?) RETURNING id""")) {
                s.setString(1, job);
                s.setString(2, node);
                s.setObject(3, time(scheduled));
                s.setObject(4, time(start));
                s.setBoolean(5, manual);
                s.setBoolean(6, recovered);
                try (ResultSet rows = s.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        }
    }

    /**
     * Records how the run ended (in its row, or in a new one when its start could not be
     * recorded: id empty), then forgets the job's finished runs beyond the latest keep.
     */
    void ended(Optional<Long> id, String job, JobRun run, Instant scheduled, boolean recovered, int keep) throws SQLException {
        try (Connection c = db.getConnection()) {
            Instant end = run.start().plus(run.duration());
            if (id.isPresent()) {
                try (PreparedStatement s = c.prepareStatement(
                        "UPDATE container_job_runs SET ended = ?, outcome = ?, detail = ?, output = ? WHERE id = ?")) {
                    s.setObject(1, time(end));
                    s.setString(2, outcome(run.result()));
                    s.setString(3, run.detail().replace(NUL, ""));
                    s.setString(4, run.output().replace(NUL, ""));
                    s.setLong(5, id.get());
                    s.executeUpdate();
                }
            } else {
                try (PreparedStatement s = c.prepareStatement("""
                        INSERT INTO container_job_runs
                            (job, node, scheduled, started, ended, outcome, detail, output, manual, recovered)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                    s.setString(1, job);
                    s.setString(2, node);
                    s.setObject(3, time(scheduled));
                    s.setObject(4, time(run.start()));
                    s.setObject(5, time(end));
                    s.setString(6, outcome(run.result()));
                    s.setString(7, run.detail().replace(NUL, ""));
                    s.setString(8, run.output().replace(NUL, ""));
                    s.setBoolean(9, run.manual());
                    s.setBoolean(10, recovered);
                    s.executeUpdate();
                }
            }
            try (PreparedStatement s = c.prepareStatement("""
                    DELETE FROM container_job_runs WHERE job = ? AND ended IS NOT NULL AND id < (
                        SELECT min(id) FROM (SELECT id FROM container_job_runs WHERE job = ? AND ended IS NOT NULL
                                             ORDER BY id DESC LIMIT ?) AS kept)""")) {
                s.setString(1, job);
                s.setString(2, job);
                s.setInt(3, keep);
                s.executeUpdate();
            }
        }
    }

    /**
     * Closes this node's runs that a previous life of it left open (it was killed during them):
     * called before the node's scheduler starts, when none of them can be its own.
     */
    int closeOwn() throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                UPDATE container_job_runs SET ended = now(), outcome = 'interrupted', output = '',
                       detail = 'stopped: node ' || node || ' ended during the run (it started again)'
                WHERE ended IS NULL AND node = ?""")) {
            s.setString(1, node);
            return s.executeUpdate();
        }
    }

    /** Closes the open runs of nodes that no longer check in: Quartz recovered their work and removed them. */
    private void closeLost(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE container_job_runs SET ended = now(), outcome = 'interrupted', output = '',
                       detail = 'stopped: node ' || node || ' stopped answering during the run'
                WHERE ended IS NULL AND node <> ? AND NOT EXISTS (
                    SELECT 1 FROM container_qrtz_scheduler_state q
                    WHERE q.sched_name = ? AND q.instance_name = container_job_runs.node)""")) {
            s.setString(1, node);
            s.setString(2, scheduler);
            s.executeUpdate();
        }
    }

    /** The latest finished runs of each job, newest first, at most limits.get(job) of each. */
    Map<String, List<JobRun>> runs(Map<String, Integer> limits) throws SQLException {
        Map<String, List<JobRun>> result = new HashMap<>();
        if (limits.isEmpty()) {
            return result;
        }
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT job, node, started, ended, outcome, detail, output, manual FROM (
                    SELECT r.*, row_number() OVER (PARTITION BY job ORDER BY id DESC) AS n
                    FROM container_job_runs r WHERE ended IS NOT NULL AND job = ANY (?)) AS latest
                ORDER BY job, n""")) {
            s.setArray(1, c.createArrayOf("varchar", limits.keySet().toArray()));
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    String job = rows.getString("job");
                    List<JobRun> runs = result.computeIfAbsent(job, j -> new ArrayList<>());
                    if (runs.size() >= limits.get(job)) {
                        continue;
                    }
                    Instant started = rows.getObject("started", OffsetDateTime.class).toInstant();
                    Instant ended = rows.getObject("ended", OffsetDateTime.class).toInstant();
                    runs.add(new JobRun(started, Duration.between(started, ended), result(rows.getString("outcome")),
                            rows.getString("detail"), rows.getString("output"), rows.getBoolean("manual"),
                            Optional.of(rows.getString("node"))));
                }
            }
        }
        return result;
    }

    /** The jobs running now on a node that still checks in, with that node. */
    Map<String, String> running() throws SQLException {
        Map<String, String> result = new HashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT job, node FROM container_job_runs r WHERE ended IS NULL AND EXISTS (
                    SELECT 1 FROM container_qrtz_scheduler_state q WHERE q.sched_name = ? AND q.instance_name = r.node)""")) {
            s.setString(1, scheduler);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    result.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return result;
    }

    private static OffsetDateTime time(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    /** A result as the table writes it (as the API does): TIMED_OUT -> timed-out. */
    static String outcome(JobRun.Result result) {
        return result.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    static JobRun.Result result(String outcome) {
        return JobRun.Result.valueOf(outcome.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
}
