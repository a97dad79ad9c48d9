package dev.container.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A pooled JDBC DataSource an app finds at {@code java:comp/env/NAME} and through
 * {@code @Resource} (an {@code apps[].resources} entry with {@code type = datasource}), as
 * Tomcat's {@code <Resource type="javax.sql.DataSource">} in context.xml gives it. The driver is
 * the app's (WEB-INF/lib or the app's {@code jars}): {@code driver} names its class, or else the
 * driver that accepts {@code url} is used.
 *
 * <p>{@link #toString()} never shows the password, and equality ignores {@code origin}: a line
 * added above the app in the file must not make a reload redeploy it.
 *
 * @param name   the name under java:comp/env, e.g. "jdbc/shop"
 * @param origin where the entry is written, for errors found at deploy (no driver for the URL)
 */
public record DataSourceSpec(String name, String url, Optional<String> user, Optional<String> password,
                             Optional<String> driver, Pool pool, Origin origin) {
    public DataSourceSpec {
        Objects.requireNonNull(name);
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("a JDBC URL starts with jdbc:, got " + url);
        }
    }

    /**
     * The pool's bounds, as HikariCP names them: at most {@code max} connections, {@code minIdle}
     * kept open while idle; a request for a connection waits {@code connectionTimeout} at most;
     * an idle connection is closed after {@code idleTimeout} and any after {@code maxLifetime}
     * (zero: never).
     */
    public record Pool(int max, int minIdle, Duration connectionTimeout, Duration idleTimeout, Duration maxLifetime) {
        /** HikariCP's own defaults. */
        public static final Pool DEFAULT = new Pool(10, 10, Duration.ofSeconds(30), Duration.ofMinutes(10),
                Duration.ofMinutes(30));

        public Pool {
            if (max < 1 || minIdle < 0 || minIdle > max) {
                throw new IllegalArgumentException("need 0 <= minIdle <= max and max >= 1, got " + minIdle + " and " + max);
            }
        }
    }

    /** The URL's first two parts ("jdbc:postgresql:"): enough to name the driver, without a password it may carry. */
    public String urlScheme() {
        int second = url.indexOf(':', "jdbc:".length());
        return second < 0 ? url : url.substring(0, second + 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataSourceSpec d && name.equals(d.name) && url.equals(d.url) && user.equals(d.user)
                && password.equals(d.password) && driver.equals(d.driver) && pool.equals(d.pool);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, url, user, password, driver, pool);
    }

    @Override
    public String toString() {
        return "DataSourceSpec[name=" + name + ", url=" + urlScheme() + "..., user=" + user.orElse("")
                + ", password=" + (password.isPresent() ? "(set)" : "(none)") + ", driver=" + driver.orElse("")
                + ", pool=" + pool + ", origin=" + origin + "]";
    }
}
