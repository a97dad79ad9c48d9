package dev.container.admin;

import dev.container.storage.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.container.config.ListenerSpec;
import dev.container.jobs.JobRun;
import dev.container.jobs.JobStatus;
import dev.container.jobs.Jobs;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin channel: a small HTTP API on a loopback address for the {@code container} commands
 * that talk to a running server. Its URL and a random token are written to
 * {@code STATE/admin.json}, readable by the owner only; every request must carry
 * {@code Authorization: Bearer TOKEN}, so other local users cannot drive the server.
 * <pre>
 *   GET  /health               {"status":"up"}
 *   GET  /jobs                 {"jobs":[ a job's status, ... ]}
 *   GET  /jobs/NAME            a job's status, with its latest runs
 *   POST /jobs/NAME/run        202 when the run was started, 404 for no such job
 * </pre>
 * Served by the JDK's own HTTP server on one thread, apart from the apps' listeners, limits and
 * logs. Thread-safe; {@link #close} stops it and removes admin.json.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("container");
    /** The file in the state directory that tells the commands where the server is. */
    public static final String FILE = "admin.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Jobs jobs;
    private final byte[] token;
    private final Path file;
    private final String url;

    private AdminServer(HttpServer server, ExecutorService executor, Jobs jobs, String token, Path file, String url) {
        this.server = server;
        this.executor = executor;
        this.jobs = jobs;
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        this.file = file;
        this.url = url;
    }

    /** Listens at where (a loopback address; port 0 picks one) and writes stateDir/admin.json. */
    public static AdminServer start(ListenerSpec where, Path stateDir, Jobs jobs) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        HttpServer server = HttpServer.create(new InetSocketAddress(where.host(), where.port()), 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "admin");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        InetSocketAddress bound = server.getAddress();
        String host = bound.getAddress().getHostAddress();
        String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + "/";
        AdminServer admin = new AdminServer(server, executor, jobs, token, stateDir.resolve(FILE), url);
        server.createContext("/", admin::handle);
        server.start();
        try {
            admin.writeFile(token);
        } catch (IOException e) {
            server.stop(0);
            executor.shutdownNow();
            throw e;
        }
        log.info("admin channel on {} (token in {})", url, admin.file);
        return admin;
    }

    public String url() {
        return url;
    }

    /** admin.json, written whole and readable by its owner only. */
    private void writeFile(String tokenText) throws IOException {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("url", url);
        content.put("token", tokenText);
        content.put("pid", ProcessHandle.current().pid());
        AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(content), true);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
            if (!authorized(exchange)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
                send(exchange, 401, Map.of("error", "missing or wrong token (see " + FILE + " in the state directory)"));
                return;
            }
            route(exchange, exchange.getRequestMethod(), exchange.getRequestURI().getPath());
        } catch (RuntimeException e) {
            log.warn("admin: {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString(), e);
        }
    }

    private void route(HttpExchange exchange, String method, String path) throws IOException {
        List<String> parts = List.of(path.replaceAll("^/+|/+$", "").split("/+"));
        if (parts.equals(List.of("health")) && method.equals("GET")) {
            send(exchange, 200, Map.of("status", "up"));
        } else if (parts.equals(List.of("jobs")) && method.equals("GET")) {
            send(exchange, 200, Map.of("jobs", jobs.status().stream().map(AdminServer::json).toList()));
        } else if (parts.size() == 2 && parts.get(0).equals("jobs") && method.equals("GET")) {
            Optional<JobStatus> status = jobs.status(parts.get(1));
            if (status.isPresent()) {
                send(exchange, 200, json(status.get()));
            } else {
                send(exchange, 404, Map.of("error", "no job named " + parts.get(1)));
            }
        } else if (parts.size() == 3 && parts.get(0).equals("jobs") && parts.get(2).equals("run") && method.equals("POST")) {
            if (jobs.trigger(parts.get(1))) {
                send(exchange, 202, Map.of("job", parts.get(1), "started", true));
            } else {
                send(exchange, 404, Map.of("error", "no job named " + parts.get(1)));
            }
        } else {
            send(exchange, 404, Map.of("error", "no such endpoint: " + method + " " + path));
        }
    }

    private boolean authorized(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(token, header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.US_ASCII));
    }

    /** A job's status as the API shows it: times as ISO-8601 instants, durations in milliseconds. */
    static Map<String, Object> json(JobStatus status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", status.name());
        m.put("schedule", status.schedule());
        m.put("action", status.action());
        m.put("running", status.running());
        m.put("next", status.nextFire().map(Object::toString).orElse(null));
        m.put("runs", status.runs().stream().map(AdminServer::json).toList());
        return m;
    }

    private static Map<String, Object> json(JobRun run) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", run.start().toString());
        m.put("millis", run.duration().toMillis());
        m.put("result", run.result().name());
        m.put("detail", run.detail());
        m.put("output", run.output());
        m.put("manual", run.manual());
        return m;
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Stops serving and removes admin.json (unless another server has written its own since). */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            if (Files.exists(file) && new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                    .contains(new String(token, StandardCharsets.US_ASCII))) {
                Files.delete(file);
            }
        } catch (IOException e) {
            log.debug("admin: could not remove {}: {}", file, e.toString());
        }
    }
}
