package dev.container.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.container.config.ListenerSpec;
import dev.container.metrics.Metrics;
import dev.container.storage.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin channel: the control API (JSON over HTTP, docs/operations.md "Control API") on a
 * loopback address, for the {@code container} commands and the dashboard. Its URL and a random
 * token are written to {@code STATE/admin.json}, readable by the owner only; every request must
 * carry {@code Authorization: Bearer TOKEN}, so other local users cannot drive the server, or
 * the dashboard's session cookie ({@link Dashboard}, served at {@code /}); a change made with the
 * cookie must come from this channel's own origin.
 * Errors are {@code application/problem+json} ({@link Problem}). It drives the server only
 * through {@link Control}; {@code GET /metrics} answers the {@link Metrics} in Prometheus' text format.
 *
 * <p>Served by the JDK's own HTTP server on a few threads of its own, apart from the apps'
 * listeners, limits and logs: a read answers while a reload or a redeploy runs on another.
 * Thread-safe; {@link #close} stops it and removes admin.json.
 */
public final class AdminServer implements AutoCloseable, dev.container.Service {
    private static final Logger log = LoggerFactory.getLogger("container");
    /** The file in the state directory that tells the commands where the server is. */
    public static final String FILE = "admin.json";
    /** Enough for a slow action (a redeploy) and reads beside it; the API is for a few operators. */
    private static final int THREADS = 4;
    private static final Set<String> APP_ACTIONS = Set.of("redeploy", "stop", "start");
    private static final Set<String> JOB_ACTIONS = Set.of("run", "pause", "resume");

    private final HttpServer server;
    private final ExecutorService executor;
    private final Control control;
    private final byte[] token;
    private final Path file;
    private final String url;
    private final Dashboard dashboard;
    private final RecentLog recentLog = RecentLog.shared();
    private final Metrics metrics;

    /** A body sent as it is, not as JSON (the metrics' text). */
    private record Text(String contentType, String text) {
    }

    /** An answer: its status, its JSON body, and what to do once it is sent. */
    private record Answer(int status, Object body, Map<String, String> headers, Runnable then) {
        static Answer ok(Object body) {
            return new Answer(200, body, Map.of(), () -> { });
        }

        static Answer of(int status, Object body) {
            return new Answer(status, body, Map.of(), () -> { });
        }

        static Answer of(Problem problem) {
            return new Answer(problem.status(), problem, Map.of(), () -> { });
        }
    }

    private AdminServer(HttpServer server, ExecutorService executor, Control control, String token, Path file,
                        String url, Metrics metrics) {
        this.server = server;
        this.metrics = metrics;
        this.executor = executor;
        this.control = control;
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        this.file = file;
        this.url = url;
        this.dashboard = new Dashboard(URI.create(url), Clock.systemUTC());
    }

    /** Listens at where (a loopback address; port 0 picks one) and writes stateDir/admin.json; no metrics. */
    public static AdminServer start(ListenerSpec where, Path stateDir, Control control) throws IOException {
        AdminServer admin = bind(where, stateDir, control, new Metrics(dev.container.config.MetricsSpec.OFF));
        admin.start();
        return admin;
    }

    /**
     * Binds where (a loopback address; port 0 picks one), GET /metrics answering metrics: a port in
     * use fails here, before the container starts anything else. {@link #start} serves and writes
     * stateDir/admin.json.
     */
    public static AdminServer bind(ListenerSpec where, Path stateDir, Control control, Metrics metrics) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        HttpServer server = HttpServer.create(new InetSocketAddress(where.host(), where.port()), 16);
        // in the starting thread's group (main, where the workers run): a reload run from here stops
        // apps, and a stopping app's Introspector.flushCaches() clears the calling group's cache
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(group, r, "admin");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        InetSocketAddress bound = server.getAddress();
        String host = bound.getAddress().getHostAddress();
        String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + "/";
        AdminServer admin = new AdminServer(server, executor, control, token, stateDir.resolve(FILE), url, metrics);
        server.createContext("/", admin::handle);
        return admin;
    }

    @Override
    public String name() {
        return "admin";
    }

    /** Serves, and writes admin.json (on failure stops serving and throws). */
    @Override
    public void start() throws IOException {
        server.start();
        try {
            writeFile(new String(token, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            close();
            throw e;
        }
        log.info("admin channel on {} (token in {})", url, file);
        // as Jupyter does: a link that logs a browser in, once, for a few minutes (container dashboard makes more)
        log.info("dashboard: {}", dashboard.newLink());
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public String describe() {
        return url;
    }

    public String url() {
        return url;
    }

    /** admin.json, written whole and readable by its owner only. */
    private void writeFile(String tokenText) throws IOException {
        // By hand, as Jackson's pretty printer lays it out: an ObjectMapper is some 400 classes and
        // ~10 MiB of start-up garbage, and no request may ever need one (docs/design.md, Start-up).
        String json = "{\n  \"url\" : " + quoted(url) + ",\n  \"token\" : " + quoted(tokenText)
                + ",\n  \"pid\" : " + ProcessHandle.current().pid() + "\n}";
        AtomicFiles.write(file, json.getBytes(StandardCharsets.UTF_8), true);
    }

    /** text as a JSON string literal. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** Made at the first JSON answer, not at start. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        Answer answer;
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
            if (path.equals("/")) {
                try (exchange) {
                    dashboard.serve(exchange);
                }
                return;
            }
            answer = switch (caller(exchange)) {
                case NONE -> new Answer(401, new Problem(401, "unauthorized", "Unauthorized",
                        "missing or wrong token: send 'Authorization: Bearer TOKEN' with the token from " + file),
                        Map.of("WWW-Authenticate", "Bearer"), () -> { });
                // the page's cookie goes with any request to this address, so a change must come from the page itself
                case SESSION -> method.equals("GET") || method.equals("HEAD") || dashboard.sameOrigin(exchange)
                        ? route(method, segments(path))
                        : Answer.of(new Problem(403, "cross-origin", "Forbidden", method + " " + path
                                + " came with the dashboard's cookie from another origin than " + url
                                + " (Origin or Sec-Fetch-Site); scripts send the bearer token instead"));
                case TOKEN -> route(method, segments(path));
            };
        } catch (RuntimeException e) {
            log.warn("admin: {} {}: {}", method, path, e.toString(), e);
            answer = Answer.of(new Problem(500, "internal-error", "Internal Server Error",
                    method + " " + path + " failed: " + e + "; the server log has the details"));
        }
        try (exchange) {
            send(exchange, answer);
        } finally {
            answer.then().run();
        }
    }

    private static List<String> segments(String path) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("/+"));
    }

    private Answer route(String method, List<String> parts) {
        String first = parts.isEmpty() ? "" : parts.get(0);
        int n = parts.size();
        switch (first) {
            case "health":
                if (n == 1) {
                    return get(method, () -> Answer.ok(Map.of("status", "up")));
                }
                if (n == 2 && parts.get(1).equals("live")) {
                    return get(method, () -> Answer.ok(Map.of("status", "live")));
                }
                if (n == 2 && parts.get(1).equals("ready")) {
                    return get(method, this::ready);
                }
                break;
            case "metrics":
                if (n == 1) {
                    return get(method, this::metrics);
                }
                break;
            case "status":
                if (n == 1) {
                    return get(method, () -> Answer.ok(ApiJson.status(control.status(), Instant.now())));
                }
                break;
            case "apps":
                if (n == 1) {
                    return get(method, () -> Answer.ok(Map.of("apps", control.apps().stream().map(ApiJson::app).toList())));
                }
                if (n >= 3 && method.equals("POST") && APP_ACTIONS.contains(parts.get(n - 1))) {
                    return appAction(parts.get(n - 1), AppRef.fromSegments(parts.subList(1, n - 1)));
                }
                if (n >= 3) {
                    return get(method, () -> app(AppRef.fromSegments(parts.subList(1, n)).orElseThrow()));
                }
                break;
            case "reload":
                if (n == 1) {
                    return post(method, this::reload);
                }
                break;
            case "stop":
                if (n == 1) {
                    return post(method, () -> new Answer(202, Map.of("status", "stopping"), Map.of(), control::stop));
                }
                break;
            case "log":
                if (n == 2 && parts.get(1).equals("recent")) {
                    return get(method, () -> Answer.ok(Map.of("capacity", RecentLog.CAPACITY,
                            "entries", recentLog.entries().stream().map(ApiJson::logEntry).toList())));
                }
                break;
            case "dashboard":
                if (n == 2 && parts.get(1).equals("link")) {
                    return post(method, () -> Answer.of(201, Map.of("url", dashboard.newLink().toString(),
                            "expiresInSeconds", DashboardAccess.LINK_LIFETIME.toSeconds())));
                }
                break;
            case "jobs":
                if (n == 1) {
                    return get(method, () -> Answer.ok(Map.of("jobs", ApiJson.jobs(control.jobs()))));
                }
                if (n == 2) {
                    return get(method, () -> control.job(parts.get(1)).map(j -> Answer.ok(ApiJson.job(j)))
                            .orElseGet(() -> noJob(parts.get(1))));
                }
                if (n == 3 && JOB_ACTIONS.contains(parts.get(2))) {
                    return post(method, () -> jobAction(parts.get(1), parts.get(2)));
                }
                break;
            case "certificates":
                if (n == 1) {
                    return get(method, () -> {
                        Instant now = Instant.now();
                        return Answer.ok(Map.of("certificates",
                                control.certificates().stream().map(c -> ApiJson.certificate(c, now)).toList()));
                    });
                }
                if (n == 3 && parts.get(2).equals("renew")) {
                    return post(method, () -> renew(parts.get(1)));
                }
                break;
            default:
                break;
        }
        return Answer.of(new Problem(404, "no-such-endpoint", "Not Found", "no such endpoint: " + method + " /"
                + String.join("/", parts) + "; the endpoints are listed in docs/operations.md (Control API)"));
    }

    private static Answer get(String method, java.util.function.Supplier<Answer> answer) {
        return method.equals("GET") ? answer.get() : notAllowed(method, "GET");
    }

    private static Answer post(String method, java.util.function.Supplier<Answer> answer) {
        return method.equals("POST") ? answer.get() : notAllowed(method, "POST");
    }

    private static Answer notAllowed(String method, String allowed) {
        Problem problem = new Problem(405, "method-not-allowed", "Method Not Allowed",
                method + " is not allowed here; use " + allowed);
        return new Answer(405, problem, Map.of("Allow", allowed), () -> { });
    }

    private Answer metrics() {
        return metrics.scrape().map(text -> Answer.ok(new Text(Metrics.contentType(), text)))
                .orElseGet(() -> Answer.of(new Problem(404, "metrics-off", "Not Found",
                        "metrics are off (metrics = off in the config file, or --metrics off)")));
    }

    private Answer ready() {
        Control.Readiness readiness = control.readiness();
        if (readiness.ready()) {
            return Answer.ok(ApiJson.readiness(readiness));
        }
        List<String> reasons = readiness.reasons();
        String detail = reasons.get(0) + (reasons.size() > 1 ? " (and " + (reasons.size() - 1) + " more)" : "");
        return Answer.of(new Problem(503, "not-ready", "Not Ready", detail).with("reasons", reasons));
    }

    private Answer app(AppRef ref) {
        return control.app(ref).map(a -> Answer.ok(ApiJson.app(a))).orElseGet(() -> noApp(ref));
    }

    private Answer appAction(String action, Optional<AppRef> ref) {
        if (ref.isEmpty()) {
            return Answer.of(new Problem(404, "no-such-app", "Not Found",
                    "name the app as apps/HOST/PATH/" + action + " (HOST _ for the default host, PATH ROOT for /)"));
        }
        Control.AppAction done = switch (action) {
            case "redeploy" -> control.redeploy(ref.get());
            case "stop" -> control.stopApp(ref.get());
            default -> control.startApp(ref.get());
        };
        return switch (done.result()) {
            case DONE -> Answer.ok(ApiJson.app(done.app().orElseThrow()));
            case NOT_FOUND -> noApp(ref.get());
            case FAILED -> Answer.of(withApp(new Problem(409, "app-start-failed", "The App Did Not Start", done.detail()),
                    done.app()));
            case CONFLICT -> Answer.of(withApp(new Problem(409, "app-conflict", "Conflict", done.detail()), done.app()));
        };
    }

    private static Problem withApp(Problem problem, Optional<Control.AppView> app) {
        if (app.isEmpty()) {
            return problem;
        }
        Map<String, Object> more = new LinkedHashMap<>(problem.extensions());
        more.put("app", ApiJson.app(app.get()));
        return new Problem(problem.status(), problem.slug(), problem.title(), problem.detail(), more);
    }

    private static Answer noApp(AppRef ref) {
        return Answer.of(new Problem(404, "no-such-app", "Not Found",
                "no app " + ref + " (GET /apps lists them; an app on the default host is apps/_/PATH)"));
    }

    private Answer reload() {
        Control.ReloadOutcome outcome = control.reload();
        return switch (outcome.result()) {
            case APPLIED -> Answer.ok(ApiJson.reload(outcome));
            case INVALID -> {
                List<String> problems = outcome.problems();
                String detail = "the configuration has " + (problems.size() == 1 ? "a problem" : problems.size()
                        + " problems") + "; the running one stays: " + problems.get(0)
                        + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "");
                yield Answer.of(new Problem(422, "config-invalid", "Invalid Configuration", detail)
                        .with("problems", problems));
            }
            case UNAVAILABLE -> Answer.of(new Problem(409, "nothing-to-reload", "Nothing To Reload",
                    String.join("; ", outcome.problems())));
        };
    }

    private Answer jobAction(String name, String action) {
        boolean found = switch (action) {
            case "run" -> control.runJob(name);
            case "pause" -> control.pauseJob(name);
            default -> control.resumeJob(name);
        };
        if (!found) {
            return noJob(name);
        }
        if (action.equals("run")) {
            return Answer.of(202, Map.of("job", name, "started", true));
        }
        return control.job(name).map(j -> Answer.ok(ApiJson.job(j))).orElseGet(() -> noJob(name));
    }

    private static Answer noJob(String name) {
        return Answer.of(new Problem(404, "no-such-job", "Not Found", "no job named " + name + " (GET /jobs lists them)"));
    }

    private Answer renew(String name) {
        return switch (control.renew(name)) {
            case STARTED -> Answer.of(202, Map.of("certificate", name, "renewing", true));
            case NOT_FOUND -> Answer.of(new Problem(404, "no-such-certificate", "Not Found",
                    "no certificate named " + name + " (GET /certificates lists them)"));
            case NOT_ACME -> Answer.of(new Problem(409, "not-acme", "Not An ACME Certificate",
                    name + " is read from files (or the local CA), not ordered: replace its files to renew it"));
        };
    }

    /** Who calls: a script or command with the bearer token, the dashboard with its session cookie, or nobody known. */
    private enum Caller { TOKEN, SESSION, NONE }

    private Caller caller(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.startsWith("Bearer ")) {
            return MessageDigest.isEqual(token, header.substring("Bearer ".length()).trim()
                    .getBytes(StandardCharsets.US_ASCII)) ? Caller.TOKEN : Caller.NONE;
        }
        return dashboard.hasSession(exchange) ? Caller.SESSION : Caller.NONE;
    }

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
        if (answer.body() instanceof Text text) {
            byte[] bytes = text.text().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", text.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
            return;
        }
        boolean problem = answer.body() instanceof Problem;
        byte[] bytes = Json.MAPPER.writeValueAsBytes(problem ? ((Problem) answer.body()).json() : answer.body());
        exchange.getResponseHeaders().set("Content-Type", problem ? Problem.MEDIA_TYPE : "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        answer.headers().forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(answer.status(), bytes.length);
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
