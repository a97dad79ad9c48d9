package dev.container.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * A throwaway PostgreSQL for tests: Debian's own binaries ({@code initdb}, {@code pg_ctl} from
 * {@code /usr/lib/postgresql/VERSION/bin}, else the PATH), a cluster in a temporary directory,
 * listening on 127.0.0.1 at a free port only. PostgreSQL refuses to run as root, so as root the
 * server runs as {@code nobody} (through {@code setpriv}, or {@code runuser}), owning the
 * directory; as anyone else, as that user. It has a database and a user with a password
 * ({@link #url()}, {@link #user()}, {@link #password()}) for the code under test, and a superuser
 * for the test's own doings ({@link #admin()}: killing a session, counting rows).
 *
 * <p>Used as an extension, one server per test class:
 * <pre>{@code @RegisterExtension static final Postgres postgres = new Postgres();}</pre>
 * started before the class's tests (skipped, with one line naming the Debian package
 * {@code postgresql}, when the binaries are missing) and stopped after them with
 * {@code pg_ctl stop -m fast}; or by hand with {@link #start()} and {@link #close()}. A test may
 * {@link #stop()} and {@link #start()} it again (a PostgreSQL restart: same port, same data), and
 * take a {@link #freshDatabase} of its own. Only the server started here is ever stopped; one a
 * killed test JVM leaves is stopped by a shutdown hook where the JVM gets to run it.
 * Not thread-safe: one test drives it.
 */
public final class Postgres implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    /** The Debian package that brings initdb and pg_ctl. */
    public static final String PACKAGE = "postgresql";
    private static final String SUPERUSER = "postgres";
    private static final String SUPERUSER_PASSWORD = "superuser-secret";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicInteger DATABASES = new AtomicInteger();
    /** Servers of this JVM still running, for the shutdown hook. */
    private static final Set<Postgres> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Postgres::stopQuietly), "postgres-stop"));
    }

    private final String user = "container";
    private final String password = "container-secret";
    private final String database = "container";
    private Path bin;
    private Path dir;
    private Path data;
    private int port;
    private boolean running;

    /** Where initdb and pg_ctl are: the newest of /usr/lib/postgresql/VERSION/bin, else the PATH's. */
    public static Optional<Path> binaries() {
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Optional<Path> newest = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                        .max(Comparator.comparingInt(Postgres::version));
                if (newest.isPresent()) {
                    return newest;
                }
            } catch (IOException e) {
                // fall through to the PATH
            }
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "initdb")) && Files.isExecutable(Path.of(entry, "pg_ctl"))) {
                return Optional.of(Path.of(entry));
            }
        }
        return Optional.empty();
    }

    private static int version(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\..*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Skips the calling test, naming the package, unless PostgreSQL's server binaries are installed. */
    public static void assumeInstalled() {
        if (binaries().isEmpty()) {
            throw new TestAbortedException(MissingTools.missing("initdb"));
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /**
     * Starts the server: at the first call makes the cluster (initdb), then the user and its
     * database; later calls (after {@link #stop()}) start the same cluster on the same port.
     * Returns once it accepts connections.
     */
    public Postgres start() throws Exception {
        if (running) {
            return this;
        }
        if (dir == null) {
            create();
        }
        pgCtl("start", "-w", "-t", String.valueOf(WAIT.toSeconds()), "-l", dir.resolve("server.log").toString());
        running = true;
        RUNNING.add(this);
        if (!databaseExists()) {
            try (Connection c = admin(url("postgres")); Statement s = c.createStatement()) {
                s.execute("CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "'");
                s.execute("CREATE DATABASE " + database + " OWNER " + user);
            }
        }
        return this;
    }

    /** Stops the server ({@code pg_ctl stop -m fast}: sessions are ended, the data is kept); {@link #start()} brings it back. */
    public void stop() {
        if (!running) {
            return;
        }
        try {
            pgCtl("stop", "-w", "-m", "fast", "-t", String.valueOf(WAIT.toSeconds()));
        } catch (Exception e) {
            throw new IllegalStateException("pg_ctl stop: " + e.getMessage(), e);
        } finally {
            running = false;
            RUNNING.remove(this);
        }
    }

    /** Stops the server and removes its directory. Safe to call twice, and after a failed start. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            if (dir != null) {
                deleteTree(dir);
                dir = null;
            }
        }
    }

    public boolean running() {
        return running;
    }

    public String url() {
        return url(database);
    }

    /** The JDBC URL of a database of this server. */
    public String url(String name) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    /** A new empty database owned by {@link #user()}, for a test that needs one to itself; its URL. */
    public String freshDatabase() throws SQLException {
        String name = "test_" + DATABASES.incrementAndGet();
        try (Connection c = admin(url("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " OWNER " + user);
        }
        return url(name);
    }

    /** A superuser's connection to the main database ({@link #url()}), for the test's own SQL. */
    public Connection admin() throws SQLException {
        return admin(url());
    }

    /** A superuser's connection to a database of this server, given by its URL. */
    public Connection admin(String url) throws SQLException {
        return DriverManager.getConnection(url, SUPERUSER, SUPERUSER_PASSWORD);
    }

    /** The number the query (a SELECT count(*) ... with ? parameters) gives in the main database, as the superuser. */
    public int count(String sql, Object... parameters) throws SQLException {
        return countIn(url(), sql, parameters);
    }

    /** As {@link #count(String, Object...)}, in the database of that URL. */
    public int countIn(String url, String sql, Object... parameters) throws SQLException {
        try (Connection c = admin(url); var s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            try (var rows = s.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /**
     * Ends every session of {@link #user()} whose application_name is applicationName (as a
     * crashed node's connections end), with pg_terminate_backend; how many were ended.
     */
    public int terminate(String applicationName) throws SQLException {
        try (Connection c = admin(); var s = c.prepareStatement(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = ? AND application_name = ?")) {
            s.setString(1, user);
            s.setString(2, applicationName);
            try (var rows = s.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /** The server's log so far (for a failing test's message). */
    public String log() {
        try {
            Path file = dir == null ? null : dir.resolve("server.log");
            return file != null && Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(cannot read the server log: " + e + ")";
        }
    }

    private boolean databaseExists() throws SQLException {
        try (Connection c = admin(url("postgres")); var s = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            s.setString(1, database);
            try (var rows = s.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** initdb in a new temporary directory, owned by the user the server runs as; the settings in postgresql.conf. */
    private void create() throws Exception {
        bin = binaries().orElseThrow(() -> new TestAbortedException(MissingTools.missing("initdb")));
        dir = Files.createTempDirectory("postgres-");
        data = dir.resolve("data");
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, SUPERUSER_PASSWORD + "\n");
        if (root()) {
            chownTree(dir);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER, "--pwfile=" + pwfile,
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"));
        Files.delete(pwfile);
        port = freePort();
        // Throwaway: no fsync (a clean stop still writes everything), a socket in our own directory
        Files.writeString(data.resolve("postgresql.conf"), """

                listen_addresses = '127.0.0.1'
                port = %d
                unix_socket_directories = '%s'
                fsync = off
                synchronous_commit = off
                full_page_writes = off
                max_connections = 100
                shared_buffers = 16MB
                log_line_prefix = '%%m [%%p] %%u@%%d '
                """.formatted(port, dir), java.nio.file.StandardOpenOption.APPEND);
    }

    private void pgCtl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString()));
        command.addAll(List.of(args));
        run(command);
    }

    /** Runs command as the server's user, in its directory; throws with its output when it fails. */
    private void run(List<String> command) throws Exception {
        List<String> full = new ArrayList<>();
        if (root()) {
            if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
                full.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
            } else {
                full.addAll(List.of("runuser", "-u", "nobody", "--"));
            }
        }
        full.addAll(command);
        Path output = Files.createTempFile(dir, "command", ".log");
        if (root()) {
            chown(output);
        }
        ProcessBuilder builder = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("LC_ALL", "C");
        builder.environment().remove("PGDATA");
        Process process = builder.start();
        boolean ended = process.waitFor(WAIT.toSeconds() + 30, TimeUnit.SECONDS);
        String printed = Files.readString(output);
        Files.deleteIfExists(output);
        if (!ended) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not end within " + WAIT + ":\n" + printed);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue() + "):\n"
                    + printed + "\n" + log());
        }
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void chownTree(Path top) throws IOException {
        try (Stream<Path> all = Files.walk(top)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                chown(p);
            }
        }
    }

    private static void chown(Path p) throws IOException {
        UserPrincipalLookupService lookup = p.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(p, lookup.lookupPrincipalByName("nobody"));
        Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class)
                .setGroup(lookup.lookupPrincipalByGroupName("nogroup"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void stopQuietly() {
        try {
            pgCtl("stop", "-w", "-m", "immediate", "-t", "10");
        } catch (Exception e) {
            // the JVM is going; nothing to report to
        }
    }

    private static void deleteTree(Path top) {
        try (Stream<Path> all = Files.walk(top)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left in the temporary directory
                }
            });
        } catch (IOException e) {
            // left in the temporary directory
        }
    }
}
