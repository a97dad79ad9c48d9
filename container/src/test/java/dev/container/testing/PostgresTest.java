package dev.container.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The throwaway PostgreSQL of the storage tests: its user, a restart keeping the data, killing a session. */
class PostgresTest {
    @RegisterExtension
    static final Postgres postgres = new Postgres();

    @Test
    void the_user_connects_with_its_password_and_owns_its_database() throws SQLException {
        try (Connection c = DriverManager.getConnection(postgres.url(), postgres.user(), postgres.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS t (n int)");
            try (var rows = s.executeQuery("SELECT current_user, inet_server_addr()::text")) {
                rows.next();
                assertThat(rows.getString(1)).isEqualTo(postgres.user());
                assertThat(rows.getString(2)).startsWith("127.0.0.1");
            }
        }
    }

    @Test
    void a_wrong_password_is_refused() {
        assertThatThrownBy(() -> DriverManager.getConnection(postgres.url(), postgres.user(), "wrong").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    }

    @Test
    void a_restart_keeps_the_data_on_the_same_port() throws Exception {
        String url = postgres.freshDatabase();
        try (Connection c = DriverManager.getConnection(url, postgres.user(), postgres.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (n int)");
            s.execute("INSERT INTO kept VALUES (42)");
        }
        int port = postgres.port();
        postgres.stop();
        assertThat(postgres.running()).isFalse();
        assertThatThrownBy(() -> DriverManager.getConnection(url, postgres.user(), postgres.password()).close())
                .isInstanceOf(SQLException.class);
        postgres.start();
        assertThat(postgres.port()).isEqualTo(port);
        try (Connection c = DriverManager.getConnection(url, postgres.user(), postgres.password());
             Statement s = c.createStatement(); var rows = s.executeQuery("SELECT n FROM kept")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(42);
        }
    }

    @Test
    void terminate_ends_the_sessions_of_an_application_name() throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.url() + "?ApplicationName=doomed", postgres.user(),
                postgres.password())) {
            assertThat(postgres.terminate("doomed")).isEqualTo(1);
            assertThatThrownBy(() -> c.createStatement().execute("SELECT 1")).isInstanceOf(SQLException.class);
        }
    }
}
