package dev.container.jobs;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.container.config.JobSpec;
import dev.container.testing.Await;
import dev.container.testing.Postgres;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.flywaydb.core.Flyway;

/**
 * Nodes of a job cluster in this JVM, for the cluster tests: a fresh database of the test's
 * PostgreSQL with the migrations applied (Flyway, as the storage does at start), a pool per node
 * (as each process has its own) and a {@link Jobs} on it. {@link #close} stops every node still
 * running, then their pools.
 */
final class ClusterFixture implements AutoCloseable {
    /** Quartz's tables, the migration QuartzTablesTest compares with the jar's DDL. */
    static final String QUARTZ_MIGRATION = "V2__quartz_tables.sql";
    /** Short, so that a dead node's jobs move within seconds (Quartz adds 7.5 s of grace). */
    static final Duration CHECK_IN = Duration.ofSeconds(1);
    static final Duration WAIT = Duration.ofSeconds(60);

    final Postgres postgres;
    final String url;
    final Path stateDir;
    private final List<Jobs> nodes = new ArrayList<>();
    private final List<HikariDataSource> pools = new ArrayList<>();

    ClusterFixture(Postgres postgres, Path stateDir) throws SQLException {
        this.postgres = postgres;
        this.url = postgres.freshDatabase();
        this.stateDir = stateDir;
        Flyway.configure().dataSource(url, postgres.user(), postgres.password()).locations("classpath:db/postgres")
                .load().migrate();
        sql("CREATE TABLE witness (job text NOT NULL, node text NOT NULL, scheduled timestamptz NOT NULL,"
                + " recovering boolean NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
    }

    /** A node named name, started (its scheduler runs; no jobs of its own yet), checking in every {@link #CHECK_IN}. */
    Jobs node(String name) throws Exception {
        return node(name, CHECK_IN);
    }

    Jobs node(String name, Duration checkIn) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url + "?ApplicationName=" + name);
        config.setUsername(postgres.user());
        config.setPassword(postgres.password());
        config.setMaximumPoolSize(5);
        config.setConnectionTimeout(3000);
        config.setPoolName("test-" + name);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        Jobs jobs = new Jobs(context(), RunListener.NONE, Optional.of(new JobCluster(pool, name, checkIn)));
        nodes.add(jobs);
        jobs.start();
        return jobs;
    }

    private JobContext context() {
        return new JobContext() {
            @Override
            public Path stateDir() {
                return stateDir;
            }

            @Override
            public Optional<InetSocketAddress> plainHttp() {
                return Optional.empty();
            }

            @Override
            public String hostHeader(Optional<String> host) {
                return "localhost";
            }

            @Override
            public Optional<ClassLoader> appClassLoader(String contextPath, Optional<String> host) {
                return Optional.empty();
            }
        };
    }

    /** A {@link RecordingJob} every interval (first at once), its runs sleeping sleep (zero: none). */
    JobSpec recording(String name, Duration interval, Duration sleep) {
        Map<String, String> data = new java.util.HashMap<>(Map.of("url", url, "user", postgres.user(), "password", postgres.password()));
        if (!sleep.isZero()) {
            data.put("sleep", String.valueOf(sleep.toMillis()));
        }
        return new JobSpec(name, new JobSpec.Every(interval, Duration.ZERO),
                new JobSpec.RunClass(RecordingJob.class.getName(), Optional.empty(), Optional.empty(), List.of(), data),
                Duration.ofMinutes(2), Duration.ZERO, 50);
    }

    /** A command job every interval after delay. */
    static JobSpec command(String name, Duration interval, Duration delay, String... argv) {
        return new JobSpec(name, new JobSpec.Every(interval, delay),
                new JobSpec.RunCommand(List.of(argv), Optional.empty(), Map.of()), Duration.ofMinutes(1), Duration.ZERO, 20);
    }

    /** One row of the witness table. */
    record Witness(String job, String node, Instant scheduled, boolean recovering, Instant at) {
    }

    List<Witness> witnesses() throws SQLException {
        List<Witness> result = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT job, node, scheduled, recovering, at FROM witness ORDER BY at")) {
            while (rows.next()) {
                result.add(new Witness(rows.getString(1), rows.getString(2),
                        rows.getObject(3, java.time.OffsetDateTime.class).toInstant(), rows.getBoolean(4),
                        rows.getObject(5, java.time.OffsetDateTime.class).toInstant()));
            }
        }
        return result;
    }

    /** One row of container_job_runs, as the container wrote it. */
    record Run(long id, String job, String node, Instant scheduled, Optional<Instant> ended, String outcome, String detail,
               boolean recovered) {
    }

    List<Run> runs() throws SQLException {
        List<Run> result = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(
                "SELECT id, job, node, scheduled, ended, outcome, detail, recovered FROM container_job_runs ORDER BY id")) {
            while (rows.next()) {
                var ended = rows.getObject(5, java.time.OffsetDateTime.class);
                result.add(new Run(rows.getLong(1), rows.getString(2), rows.getString(3),
                        rows.getObject(4, java.time.OffsetDateTime.class).toInstant(),
                        Optional.ofNullable(ended).map(java.time.OffsetDateTime::toInstant), String.valueOf(rows.getString(6)),
                        rows.getString(7), rows.getBoolean(8)));
            }
        }
        return result;
    }

    void sql(String statement) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, postgres.user(), postgres.password());
    }

    /** Waits (up to {@link #WAIT}) until condition holds; fails with what describe says then. */
    static void await(String what, Await.Condition condition, Callable<Object> describe) throws Exception {
        Await.until(what, WAIT, condition, describe);
    }

    @Override
    public void close() {
        nodes.forEach(Jobs::close);
        pools.forEach(HikariDataSource::close);
    }
}
