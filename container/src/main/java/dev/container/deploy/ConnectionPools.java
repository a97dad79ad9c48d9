package dev.container.deploy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.container.config.DataSourceSpec;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An app's DataSources ({@code apps[].resources}): one HikariCP pool each, whose connections come
 * from a JDBC driver of the app's class loader (WEB-INF/lib, or the app's {@code jars}). The
 * container loads HikariCP, the app's loader the driver: DriverManager does not see drivers of a
 * child class loader, so the pool gets the driver itself, the one {@code driver} names or the
 * first of the app's that accepts the URL. A pool opens connections in the background, so an app
 * whose database is down still starts (as on Tomcat) and its requests fail until it is up.
 *
 * <p>{@link #close()} closes the pools, after the app has stopped (its {@code @PreDestroy} and
 * contextDestroyed may still use them), and deregisters the app's drivers from DriverManager so
 * the app's class loader can go. Not thread-safe: the deployment opens and closes it.
 */
final class ConnectionPools implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConnectionPools.class);
    /** A bound on a broken META-INF/services file's errors, which ServiceLoader reports one by one. */
    private static final int MAX_PROVIDERS = 200;

    private final String appName;
    private final WebAppClassLoader loader;
    private final Map<String, HikariDataSource> pools = new LinkedHashMap<>();
    private boolean driversLoaded;

    private ConnectionPools(String appName, WebAppClassLoader loader) {
        this.appName = appName;
        this.loader = loader;
    }

    /** Opens a pool for each spec; on failure closes those it opened and says which spec failed. */
    static ConnectionPools open(List<DataSourceSpec> specs, WebAppClassLoader loader, String appName)
            throws DeploymentError {
        ConnectionPools pools = new ConnectionPools(appName, loader);
        try {
            for (DataSourceSpec spec : specs) {
                pools.pools.put(spec.name(), pools.pool(spec));
            }
        } catch (DeploymentError | RuntimeException e) {
            pools.close();
            throw e;
        }
        return pools;
    }

    /** The pools by their java:comp/env names. */
    Map<String, DataSource> dataSources() {
        return Map.copyOf(pools);
    }

    private HikariDataSource pool(DataSourceSpec spec) throws DeploymentError {
        Driver driver = inAppLoader(() -> driver(spec));
        Properties properties = new Properties();
        spec.user().ifPresent(u -> properties.setProperty("user", u));
        spec.password().ifPresent(p -> properties.setProperty("password", p));
        HikariConfig config = new HikariConfig();
        config.setPoolName(appName + " " + spec.name());
        config.setDataSource(new DriverDataSource(driver, spec.url(), properties, loader));
        config.setMaximumPoolSize(spec.pool().max());
        config.setMinimumIdle(spec.pool().minIdle());
        config.setConnectionTimeout(spec.pool().connectionTimeout().toMillis());
        config.setIdleTimeout(spec.pool().idleTimeout().toMillis());
        config.setMaxLifetime(spec.pool().maxLifetime().toMillis());
        // Start without a connection: a database that is down must not keep the app from starting.
        config.setInitializationFailTimeout(-1);
        try {
            return inAppLoader(() -> new HikariDataSource(config));
        } catch (RuntimeException e) {
            throw new DeploymentError(appName + ": " + spec.origin() + ": resources \"" + spec.name() + "\": "
                    + WarDeployment.describe(e), e);
        }
    }

    /** The driver class named, or the first of the app's drivers that accepts the URL. */
    private Driver driver(DataSourceSpec spec) throws DeploymentError {
        driversLoaded = true;
        String where = appName + ": " + spec.origin() + ": resources \"" + spec.name() + "\": ";
        if (spec.driver().isPresent()) {
            String name = spec.driver().get();
            try {
                Class<?> type = Class.forName(name, true, loader);
                if (!Driver.class.isAssignableFrom(type)) {
                    throw new DeploymentError(where + "driver " + name + " is not a java.sql.Driver");
                }
                return (Driver) type.getDeclaredConstructor().newInstance();
            } catch (ClassNotFoundException e) {
                throw new DeploymentError(where + "driver " + name + " is neither in the app's WEB-INF/lib nor in its jars", e);
            } catch (InvocationTargetException e) {
                throw new DeploymentError(where + "driver " + name + " failed: " + WarDeployment.describe(e), e);
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new DeploymentError(where + "cannot load driver " + name + ": " + e, e);
            }
        }
        Iterator<Driver> drivers = ServiceLoader.load(Driver.class, loader).iterator();
        for (int i = 0; i < MAX_PROVIDERS; i++) {
            try {
                if (!drivers.hasNext()) {
                    break;
                }
                Driver d = drivers.next();
                if (d.acceptsURL(spec.url())) {
                    return d;
                }
            } catch (ServiceConfigurationError | SQLException | LinkageError e) {
                log.debug("{}: skipping a JDBC driver: {}", appName, e.toString());
            }
        }
        throw new DeploymentError(where + "no JDBC driver for " + spec.urlScheme() + " URLs in the app's"
                + " WEB-INF/lib or its jars: add the driver's jar to the app's jars = [...], or name its class with driver = ...");
    }

    /** Work that loads the app's classes, which may look for more through the context loader. */
    private interface Work<T> {
        T run() throws DeploymentError;
    }

    private <T> T inAppLoader(Work<T> work) throws DeploymentError {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return work.run();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** Closes every pool, then lets go of the drivers the app's loader registered. Safe to call twice. */
    @Override
    public void close() {
        for (var pool : pools.entrySet()) {
            try {
                pool.getValue().close();
            } catch (RuntimeException e) {
                log.warn("{}: closing the pool of {}: {}", appName, pool.getKey(), WarDeployment.describe(e));
            }
        }
        pools.clear();
        if (driversLoaded) {
            driversLoaded = false;
            deregisterDrivers();
        }
    }

    private void deregisterDrivers() {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        // DriverManager loads the JVM's drivers through the context loader the first time it is asked: not the app's.
        thread.setContextClassLoader(ConnectionPools.class.getClassLoader());
        try {
            Object released = loader.defineCopy(JdbcDriverRelease.class).getMethod("deregister").invoke(null);
            log.debug("{}: deregistered {} JDBC driver(s)", appName, released);
        } catch (ReflectiveOperationException | java.io.IOException | LinkageError | RuntimeException e) {
            log.debug("{}: cannot deregister the app's JDBC drivers: {}", appName, e.toString());
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /**
     * Connections straight from the app's driver, for the pool: DriverManager's way, but with the
     * driver in hand. The app's loader is the context loader while a driver connects, as it would
     * be were the app connecting itself (drivers load their plugins through it).
     */
    private static final class DriverDataSource implements DataSource {
        private final Driver driver;
        private final String url;
        private final Properties properties;
        private final ClassLoader loader;
        private volatile int loginTimeout;

        DriverDataSource(Driver driver, String url, Properties properties, ClassLoader loader) {
            this.driver = driver;
            this.url = url;
            this.properties = properties;
            this.loader = loader;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return connect(properties);
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            Properties p = new Properties();
            p.putAll(properties);
            if (username != null) {
                p.setProperty("user", username);
            }
            if (password != null) {
                p.setProperty("password", password);
            }
            return connect(p);
        }

        private Connection connect(Properties p) throws SQLException {
            Thread thread = Thread.currentThread();
            ClassLoader before = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                Connection c = driver.connect(url, p);
                if (c == null) {
                    throw new SQLException(driver.getClass().getName() + " does not accept the URL");
                }
                return c;
            } finally {
                thread.setContextClassLoader(before);
            }
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
            loginTimeout = seconds;
        }

        @Override
        public int getLoginTimeout() {
            return loginTimeout;
        }

        @Override
        public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            if (iface.isInstance(this)) {
                return iface.cast(this);
            }
            throw new SQLException("not a wrapper of " + iface.getName());
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return iface.isInstance(this);
        }
    }
}
