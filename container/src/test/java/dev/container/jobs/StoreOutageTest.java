package dev.container.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.quartz.JobPersistenceException;

/** Which failures mean "the database is away" (said once, Quartz's repeats dropped) and which are real errors. */
class StoreOutageTest {
    @Test
    void a_lost_connection_is_an_outage_however_deep_quartz_wraps_it() {
        var shutdown = new SQLException("FATAL: terminating connection due to administrator command", "57P01");
        var refused = new SQLException("Connection to 127.0.0.1:5432 refused", "08001", new ConnectException("refused"));
        assertThat(StoreOutage.lost(new JobPersistenceException("Failure obtaining db row lock", shutdown))).isTrue();
        assertThat(StoreOutage.lost(new SQLTransientConnectionException("pool - Connection is not available", "08001",
                refused))).isTrue();
        assertThat(StoreOutage.lost(new RuntimeException(new ConnectException("Connection refused")))).isTrue();
    }

    @Test
    void a_pooled_connection_found_broken_is_dropped_from_the_log_but_does_not_start_an_outage() {
        var closed = new SQLException("Connection is closed");
        assertThat(StoreOutage.unreachable(closed)).isTrue();
        assertThat(StoreOutage.lost(closed)).isFalse();
    }

    @Test
    void a_bad_statement_or_a_constraint_is_not_an_outage() {
        assertThat(StoreOutage.unreachable(new SQLException("syntax error at or near \"SELEC\"", "42601"))).isFalse();
        assertThat(StoreOutage.unreachable(new JobPersistenceException("Couldn't store job",
                new SQLException("duplicate key value violates unique constraint", "23505")))).isFalse();
        assertThat(StoreOutage.unreachable(new SQLException("no state"))).isFalse();
    }
}
