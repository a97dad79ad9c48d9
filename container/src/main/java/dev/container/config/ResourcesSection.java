package dev.container.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads an app's {@code resources} (named DataSources under java:comp/env, as Tomcat's
 * {@code <Resource>} in context.xml) and {@code jars} (where their drivers come from when the WAR
 * has none). Checks their shape, as {@code validate} shows it: a known type, a JDBC URL, pool
 * bounds HikariCP accepts, jars that exist, a named driver class that the WAR or the jars hold.
 * Whether the app's references are all satisfied is known only at deploy, from its web.xml and
 * classes.
 */
final class ResourcesSection {
    static final Map<String, List<String>> KEYS = Map.of(
            "apps[].resources.*", List.of("type", "url", "user", "password", "driver", "pool"),
            "apps[].resources.*.pool", List.of("max", "min-idle", "connection-timeout", "idle-timeout", "max-lifetime"));

    /** Relative to java:comp/env, as web.xml's res-ref-name: "jdbc/shop". */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");
    private static final Pattern CLASS_NAME = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");
    private static final List<String> TYPES = List.of("datasource");
    /** HikariCP's least values: below them it logs a warning and uses its default instead. */
    private static final Duration LEAST_CONNECTION_TIMEOUT = Duration.ofMillis(250);
    private static final Duration LEAST_IDLE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LEAST_MAX_LIFETIME = Duration.ofSeconds(30);

    private ResourcesSection() {
    }

    /**
     * The resources and jars of one app object. source is the app's WAR (null when it is missing,
     * which is reported elsewhere); envNames are its env-entries, which a resource may not also be.
     */
    static AppResources read(Section app, Path source, Set<String> envNames, Origin declaredAt) {
        Reading reading = app.reading;
        List<Path> jars = new ArrayList<>();
        app.list("jars", "a list of jar files, such as [lib/postgresql.jar]", (v, at) -> {
            Path jar = reading.path(v, at);
            if (jar == null) {
                return;
            }
            if (!Files.isRegularFile(jar)) {
                reading.problem(at, v, "no such file: " + jar);
            } else if (!PlanBuilder.isZip(jar)) {
                reading.problem(at, v, "not a jar (zip) file: " + jar);
            } else {
                jars.add(jar);
            }
        });
        List<DataSourceSpec> dataSources = new ArrayList<>();
        ConfigValue value = app.has("resources");
        At at = app.at.child("resources");
        if (value != null && reading.isType(value, at, ConfigValueType.OBJECT,
                "an object of java:comp/env names, such as resources { \"jdbc/shop\" { type = datasource, url = \"jdbc:...\" } }")) {
            ConfigObject object = (ConfigObject) value;
            for (String name : Reading.inFileOrder(object)) {
                Section part = reading.part(object, at, name, NAME,
                        "a resource name is relative to java:comp/env, such as jdbc/shop: letters, digits, '.', '-' and '_',"
                                + " with '/' between parts",
                        "an object such as { type = datasource, url = \"jdbc:...\" }", "apps[].resources.*");
                if (part == null) {
                    continue;
                }
                if (envNames.contains(name)) {
                    reading.problem(part.at, part.object, "'" + name + "' is also in env-entries; a java:comp/env name is one or the other");
                }
                DataSourceSpec spec = dataSource(name, part, source, jars);
                if (spec != null) {
                    dataSources.add(spec);
                }
            }
        }
        return new AppResources(dataSources, jars, Optional.of(declaredAt));
    }

    private static DataSourceSpec dataSource(String name, Section part, Path source, List<Path> jars) {
        Reading reading = part.reading;
        int before = reading.problemCount();
        if (!part.object.containsKey("type")) {
            reading.problem(part.at, part.object, "a resource needs type = datasource (the only type so far)");
        }
        part.choice("type", TYPES);
        Optional<String> url = part.string("url");
        if (!part.object.containsKey("url")) {
            reading.problem(part.at, part.object, "a datasource needs url = \"jdbc:...\", e.g. jdbc:postgresql://db.example.com/shop");
        } else if (url.isPresent() && !url.get().startsWith("jdbc:")) {
            // Not the value itself: a URL may carry a password.
            part.problemAt("url", "expected a JDBC URL, which starts with jdbc: (e.g. jdbc:postgresql://db.example.com/shop)");
        }
        Optional<String> user = part.string("user");
        Optional<String> password = part.string("password");
        Optional<String> driver = part.string("driver").map(String::trim);
        if (driver.isPresent() && !CLASS_NAME.matcher(driver.get()).matches()) {
            part.problemAt("driver", "expected a class name such as org.postgresql.Driver, got '" + driver.get() + "'");
        } else if (driver.isPresent() && source != null && Files.exists(source)
                && !ClassFiles.inWar(source, driver.get()) && !ClassFiles.inJars(jars, driver.get())) {
            part.problemAt("driver", "class " + driver.get() + " not found in the app's WEB-INF/lib or classes ("
                    + source + ")" + (jars.isEmpty() ? "; add its jar to the app's jars = [...]" : " or its jars " + jars));
        }
        DataSourceSpec.Pool pool = part.section("pool", "apps[].resources.*.pool").map(ResourcesSection::pool)
                .orElse(DataSourceSpec.Pool.DEFAULT);
        part.finish();
        if (reading.problemCount() > before || url.isEmpty() || pool == null) {
            return null;
        }
        return new DataSourceSpec(name, url.get(), user, password, driver, pool, reading.origin(part.at, part.object));
    }

    /** Null after a problem. */
    private static DataSourceSpec.Pool pool(Section pool) {
        Reading reading = pool.reading;
        int before = reading.problemCount();
        DataSourceSpec.Pool d = DataSourceSpec.Pool.DEFAULT;
        int max = pool.integer("max", 1, 10_000).orElse(d.max());
        // As HikariCP: without min-idle, the pool keeps max connections open.
        int minIdle = pool.integer("min-idle", 0, 10_000).orElse(max);
        if (minIdle > max) {
            pool.problemAt("min-idle", "expected at most max (" + max + "), got " + minIdle);
        }
        Duration connectionTimeout = pool.duration("connection-timeout").orElse(d.connectionTimeout());
        if (connectionTimeout.compareTo(LEAST_CONNECTION_TIMEOUT) < 0) {
            pool.problemAt("connection-timeout", "expected 250ms or more (HikariCP's least)");
        }
        Duration idleTimeout = pool.duration("idle-timeout").orElse(d.idleTimeout());
        if (!idleTimeout.isZero() && idleTimeout.compareTo(LEAST_IDLE_TIMEOUT) < 0) {
            pool.problemAt("idle-timeout", "expected 0s (never) or 10s or more (HikariCP's least)");
        }
        Duration maxLifetime = pool.duration("max-lifetime").orElse(d.maxLifetime());
        if (!maxLifetime.isZero() && maxLifetime.compareTo(LEAST_MAX_LIFETIME) < 0) {
            pool.problemAt("max-lifetime", "expected 0s (no limit) or 30s or more (HikariCP's least)");
        }
        pool.finish();
        if (reading.problemCount() > before) {
            return null;
        }
        return new DataSourceSpec.Pool(max, minIdle, connectionTimeout, idleTimeout, maxLifetime);
    }
}
