package dev.container.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.container.config.StorageKey;
import dev.container.config.StorageSpec;
import dev.container.testing.Postgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The schema made by Flyway at start: on an empty database, beside an app's tables, and by two nodes at once. */
class SchemaTest {
    @RegisterExtension
    static final Postgres postgres = new Postgres();


    private static StorageSpec.InPostgres spec(String url) {
        return new StorageSpec.InPostgres(url, Optional.of(postgres.user()), Optional.of(postgres.password()),
                StorageKey.of(new byte[32], "test"), 2);
    }

    @Test
    void an_empty_database_gets_the_tables_and_a_second_migration_does_nothing() throws Exception {
        try (HikariDataSource pool = Database.pool(spec(postgres.freshDatabase()), "schema", 2, "schema")) {
            assertThat(Schema.current(pool)).isEmpty();
            Schema.Migrated first = Schema.migrate(pool);
            assertThat(first.version()).isEqualTo(Schema.newest(pool)).isEqualTo(Migrations.NEWEST);
            assertThat(first.applied()).isEqualTo(Migrations.COUNT);
            assertThat(Schema.current(pool)).contains(Migrations.NEWEST);
            assertThat(tables(pool)).contains("container_blobs", "container_nodes", Schema.HISTORY_TABLE,
                    "container_qrtz_triggers", "container_qrtz_scheduler_state", "container_job_runs");
            assertThat(Schema.migrate(pool)).isEqualTo(new Schema.Migrated(Migrations.NEWEST, 0));
        }
    }

    @Test
    void a_database_that_already_has_an_apps_tables_gets_ours_beside_them() throws Exception {
        String url = postgres.freshDatabase();
        try (Connection c = postgres.admin(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id int PRIMARY KEY)");
            s.execute("CREATE TABLE flyway_schema_history (installed_rank int)"); // the app's own Flyway, untouched
            s.execute("CREATE TABLE qrtz_locks (sched_name varchar(120))"); // the app's own Quartz, untouched
            s.execute("ALTER TABLE orders OWNER TO " + postgres.user());
        }
        try (HikariDataSource pool = Database.pool(spec(url), "schema", 2, "schema")) {
            assertThat(Schema.migrate(pool).version()).isEqualTo(Migrations.NEWEST);
            assertThat(tables(pool)).contains("orders", "flyway_schema_history", "qrtz_locks", "container_blobs",
                    "container_nodes", "container_qrtz_locks");
        }
    }

    @Test
    void two_nodes_migrating_a_fresh_database_at_once_do_not_race() throws Exception {
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            // ten rounds: without the container's own lock around Flyway's, one in three or so failed
            for (int round = 0; round < 10; round++) {
                String url = postgres.freshDatabase();
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Schema.Migrated>> results = new ArrayList<>();
                for (int node = 0; node < 2; node++) {
                    String name = "node-" + node;
                    results.add(nodes.submit(() -> {
                        try (HikariDataSource pool = Database.pool(spec(url), name, 2, name)) {
                            together.await(30, TimeUnit.SECONDS);
                            return Schema.migrate(pool);
                        }
                    }));
                }
                int applied = 0;
                for (Future<Schema.Migrated> result : results) {
                    Schema.Migrated migrated = result.get(60, TimeUnit.SECONDS); // neither failed
                    assertThat(migrated.version()).isEqualTo(Migrations.NEWEST);
                    applied += migrated.applied();
                }
                assertThat(applied).as("migrations applied by both nodes together, round %d", round)
                        .isEqualTo(Migrations.COUNT);
                try (Connection c = postgres.admin(url); Statement s = c.createStatement();
                     ResultSet rows = s.executeQuery("SELECT count(*), count(DISTINCT version) FROM "
                             + Schema.HISTORY_TABLE + " WHERE success")) {
                    rows.next();
                    assertThat(rows.getInt(1)).isEqualTo(Migrations.COUNT);
                    assertThat(rows.getInt(2)).isEqualTo(Migrations.COUNT);
                }
            }
        } finally {
            nodes.shutdownNow();
        }
    }

    private static List<String> tables(javax.sql.DataSource pool) throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
            while (rows.next()) {
                tables.add(rows.getString(1));
            }
        }
        return tables;
    }
}
