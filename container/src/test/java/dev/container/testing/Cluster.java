package dev.container.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/**
 * Nodes of one cluster for the tests, beside {@link Postgres}: a database of the test's server (a
 * fresh one, or its main one), one storage key for every node, and per node a directory
 * {@code dir/NAME} with its config file ({@code NAME/container.conf}: a plain listener on
 * 127.0.0.1:0, {@code state-dir = state}, the shared {@code storage}, and what the test adds).
 * Start a node in this JVM ({@link #start}, a {@link TestServer}) or as the packaged jar
 * ({@link #process}, a {@link ContainerProcess}, in an IT); each is the test's to close.
 */
public final class Cluster {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Postgres postgres;
    private final Path dir;
    private final String url;
    private final Path key;

    private Cluster(Postgres postgres, Path dir, String url) throws Exception {
        this.postgres = postgres;
        this.dir = dir;
        this.url = url;
        this.key = dir.resolve("storage.key");
        Files.createDirectories(dir);
        Files.writeString(key, Base64.getEncoder().encodeToString(new byte[32]) + "\n");
    }

    /** A cluster on a fresh database of postgres, its nodes' directories in dir. */
    public static Cluster fresh(Postgres postgres, Path dir) throws Exception {
        return new Cluster(postgres, dir, postgres.freshDatabase());
    }

    /** A cluster on the main database of postgres ({@link Postgres#url()}), for tests that share it. */
    public static Cluster onMain(Postgres postgres, Path dir) throws Exception {
        return new Cluster(postgres, dir, postgres.url());
    }

    /**
     * A WAR that declares {@code <distributable/>}, written to file: its {@code /count} counts the
     * requests of a session (an Integer attribute) and answers the count.
     */
    public static Path counterWar(Path file) throws Exception {
        return new WarBuilder().java("app.Count", """
                package app;
                @jakarta.servlet.annotation.WebServlet("/count")
                public class Count extends jakarta.servlet.http.HttpServlet {
                    protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                            jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                        var session = req.getSession();
                        Integer count = (Integer) session.getAttribute("count");
                        count = count == null ? 1 : count + 1;
                        session.setAttribute("count", count);
                        resp.getWriter().print(count);
                    }
                }
                """).file("WEB-INF/web.xml", """
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0"><distributable/></web-app>
                """).buildWar(file);
    }

    /** "JSESSIONID=..." from a response's Set-Cookie, for the next request of that session. */
    public static String cookie(HttpResponse<String> response) {
        String header = response.headers().firstValue("Set-Cookie").orElseThrow(
                () -> new AssertionError("no Set-Cookie: " + response.statusCode() + " " + response.body()));
        return header.substring(0, header.indexOf(';'));
    }

    /** The database's JDBC URL. */
    public String url() {
        return url;
    }

    /** The storage key's file (the base64 of 32 zero bytes), as every node's key-file names it. */
    public Path keyFile() {
        return key;
    }

    /** The directory of a node. */
    public Path home(String node) {
        return dir.resolve(node);
    }

    /** The state directory of a node started from {@link #config}. */
    public Path state(String node) {
        return home(node).resolve("state");
    }

    /** The storage section of the nodes: this cluster's database, user, password and key. */
    public String storage() {
        return storage("");
    }

    /** {@link #storage()} with more keys inside it (e.g. {@code node = web1}). */
    public String storage(String more) {
        return storage(url, postgres.password(), more);
    }

    /** A storage section on url with password, and more keys inside it (e.g. {@code node = web1}). */
    public String storage(String url, String password, String more) {
        return """
                storage {
                  type = postgres
                  url = "%s"
                  user = "%s"
                  password = "%s"
                  key-file = "%s"
                  %s
                }
                """.formatted(url, postgres.user(), password, key, more);
    }

    /** Writes node's config file: a listener on 127.0.0.1:0, state-dir = state, {@link #storage()}, then more. */
    public Path config(String node, String more) throws Exception {
        return configWith(node, storage(), more);
    }

    /** Writes node's config file with that storage section (see {@link #storage(String, String, String)}). */
    public Path configWith(String node, String storage, String more) throws Exception {
        Path home = Files.createDirectories(home(node));
        return Files.writeString(home.resolve("container.conf"), """
                listeners = [{ host = 127.0.0.1, port = 0 }]
                state-dir = state
                %s
                %s
                """.formatted(storage, more));
    }

    /** Starts node in this JVM from {@link #config}(node, more), as {@code container run --config} would. */
    public TestServer start(String node, String more) throws Exception {
        return TestServer.startConfig(config(node, more));
    }

    /** Starts node as the packaged jar ({@code java -jar container.jar run --config}) from {@link #config}(node, more). */
    public ContainerProcess process(String node, String more) throws Exception {
        return ContainerProcess.start("run", "--config", config(node, more).toString());
    }

    /** GET /status of a running node (its admin channel, as admin.json in its state directory names it), as JSON. */
    public JsonNode status(String node) throws Exception {
        JsonNode admin = JSON.readTree(Files.readString(state(node).resolve("admin.json")));
        HttpRequest request = HttpRequest.newBuilder(URI.create(admin.path("url").asText()).resolve("status"))
                .header("Authorization", "Bearer " + admin.path("token").asText()).timeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /status of node " + node + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
