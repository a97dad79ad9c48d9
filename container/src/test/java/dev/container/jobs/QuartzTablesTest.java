package dev.container.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Quartz's tables come from Quartz: the migration is the quartz jar's own tables_postgres.sql, with
 * the container's table prefix for Quartz's, and without its DROP TABLE lines and its closing
 * COMMIT. A Quartz upgrade that changes its tables fails here, and needs a new migration.
 */
class QuartzTablesTest {
    private static String resource(String name) throws IOException {
        try (InputStream in = QuartzTablesTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The lines that make tables: not blank, not a DROP, not the COMMIT. */
    private static List<String> statements(String sql) {
        return sql.lines().filter(l -> !l.isBlank() && !l.startsWith("DROP TABLE IF EXISTS") && !l.equals("COMMIT;")).toList();
    }

    @Test
    void the_migration_is_quartzs_own_postgresql_ddl() throws IOException {
        String quartz = resource("org/quartz/impl/jdbcjobstore/tables_postgres.sql");
        String migration = resource("db/postgres/" + ClusterFixture.QUARTZ_MIGRATION);
        // the migration's own header, up to its first blank line, says where the rest comes from
        String body = migration.substring(migration.indexOf("\n\n") + 2);
        assertThat(statements(body)).isEqualTo(statements(quartz.replace("QRTZ_", Jobs.TABLE_PREFIX)));
        assertThat(body).doesNotContain("DROP TABLE").doesNotContain("COMMIT");
    }
}
