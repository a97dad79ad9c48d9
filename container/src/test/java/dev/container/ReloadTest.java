package dev.container;

import dev.container.config.Plan;
import dev.container.config.PlanBuilder;
import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Container#reload}: what changed is applied, nothing else is touched, no request fails. */
class ReloadTest {
    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A WAR whose /hello answers text, and whose /count counts in its session. */
    private Path war(String name, String text) throws IOException {
        return new WarBuilder()
                .java("reload.Hello", """
                        package reload;
                        @jakarta.servlet.annotation.WebServlet({"/hello", "/count"})
                        public class Hello extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                if (req.getServletPath().equals("/count")) {
                                    var session = req.getSession();
                                    Integer n = (Integer) session.getAttribute("n");
                                    n = n == null ? 1 : n + 1;
                                    session.setAttribute("n", n);
                                    resp.getWriter().print(n);
                                } else {
                                    resp.getWriter().print("%s");
                                }
                            }
                        }
                        """.formatted(text))
                .buildWar(dir.resolve(name + ".war"));
    }

    private Plan plan(Consumer<PlanBuilder> apps) {
        PlanBuilder builder = new PlanBuilder().listen("127.0.0.1:0").stateDir(dir.resolve("state"))
                .shutdownTimeout(Duration.ofSeconds(5));
        apps.accept(builder);
        return builder.build();
    }

    @Test
    void adds_moves_and_removes_apps_under_load_without_a_failed_request() throws Exception {
        Path stay = war("stay", "stay");
        Path moving = war("moving", "moving");
        Path added = war("added", "added");
        server = TestServer.start(dir.resolve("state"), p -> p.war(stay + ":/stay").war(moving + ":/old"));
        List<String> failures = new CopyOnWriteArrayList<>();
        Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread client = new Thread(() -> {
                HttpClient http = HttpClient.newHttpClient();
                while (running.get()) {
                    // /stay is in every plan: it must answer 200 every time, before, during and after
                    for (String path : List.of("/stay/hello", "/old/hello", "/new/hello", "/added/hello")) {
                        try {
                            HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri(path))
                                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                            String answer = path + " " + response.statusCode() + " " + response.body();
                            answered.incrementAndGet();
                            answers.computeIfAbsent(answer.length() > 40 ? path + " " + response.statusCode() : answer,
                                    k -> new AtomicInteger()).incrementAndGet();
                            if (path.equals("/stay/hello") && response.statusCode() != 200) {
                                failures.add(answer);
                            }
                            if (response.statusCode() != 200 && response.statusCode() != 404) {
                                failures.add(answer);
                            }
                        } catch (IOException e) {
                            failures.add(path + " " + e);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
            client.start();
            clients.add(client);
        }
        awaitMore(answered, 100);

        server.container().reload(plan(p -> p.war(stay + ":/stay").war(moving + ":/old").war(added + ":/added")));
        assertThat(server.get("/added/hello").body()).isEqualTo("added");
        awaitMore(answered, 100);
        server.container().reload(plan(p -> p.war(stay + ":/stay").war(moving + ":/new").war(added + ":/added")));
        assertThat(server.get("/new/hello").body()).isEqualTo("moving");
        assertThat(server.get("/old/hello").statusCode()).isEqualTo(404);
        awaitMore(answered, 100);
        server.container().reload(plan(p -> p.war(stay + ":/stay").war(moving + ":/new")));
        assertThat(server.get("/added/hello").statusCode()).isEqualTo(404);
        awaitMore(answered, 100);

        running.set(false);
        for (Thread client : clients) {
            client.join(10_000);
        }
        assertThat(failures).isEmpty();
        assertThat(answers.get("/stay/hello 200 stay")).as("answers: %s", answers).isNotNull();
        assertThat(answers.get("/stay/hello 200 stay").get()).isGreaterThan(20);
        assertThat(answers).containsKeys("/old/hello 200 moving", "/new/hello 200 moving", "/added/hello 200 added");
    }

    /** Lets the clients answer n more requests: each phase of the test runs under load. */
    static void awaitMore(AtomicInteger answered, int n) throws InterruptedException {
        int target = answered.get() + n;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (answered.get() < target) {
            assertThat(System.nanoTime()).as("%d more requests answered", n).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void opens_and_closes_listeners() throws Exception {
        Path stay = war("stay", "stay");
        server = TestServer.start(dir.resolve("state"), p -> p.war(stay + ":/stay"));
        URI first = server.uri("/stay/hello");
        int second;
        try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            second = probe.getLocalPort();
        }

        server.container().reload(plan(p -> p.listen("127.0.0.1:" + second).war(stay + ":/stay")));

        assertThat(server.container().urls()).hasSize(2);
        HttpClient http = HttpClient.newHttpClient();
        URI added = URI.create("http://127.0.0.1:" + second + "/stay/hello");
        assertThat(http.send(HttpRequest.newBuilder(added).build(), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("stay");
        assertThat(http.send(HttpRequest.newBuilder(first).build(), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("stay");

        PlanBuilder onlySecond = new PlanBuilder().listen("127.0.0.1:" + second).stateDir(dir.resolve("state"))
                .shutdownTimeout(Duration.ofSeconds(5)).war(stay + ":/stay");
        server.container().reload(onlySecond.build());

        assertThat(server.container().urls()).containsExactly(URI.create("http://127.0.0.1:" + second + "/"));
        HttpClient fresh = HttpClient.newHttpClient();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(first).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void a_changed_log_format_is_logged_as_taking_effect_at_the_next_start() throws Exception {
        var log = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        var container = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("container");
        container.addAppender(log);
        log.start();
        try {
            Path stay = war("stay", "stay");
            server = TestServer.start(dir.resolve("state"), p -> p.war(stay + ":/stay"));

            server.container().reload(plan(p -> p.war(stay + ":/stay").logFormat("json")));

            assertThat(log.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .contains("reload: logging.format changed; that takes effect at the next start")
                    .noneMatch(m -> m.contains("logging.level") || m.contains("logging.access-log"));
            assertThat(server.container().plan().logging().format()).isEqualTo(dev.container.config.LogFormat.TEXT);
            assertThat(server.get("/stay/hello").body()).isEqualTo("stay");
        } finally {
            container.detachAppender(log);
        }
    }

    @Test
    void leaves_unchanged_apps_running_with_their_sessions() throws Exception {
        Path stay = war("stay", "stay");
        server = TestServer.start(dir.resolve("state"), p -> p.war(stay + ":/stay"));
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
        URI count = server.uri("/stay/count");
        assertThat(browser.send(HttpRequest.newBuilder(count).build(), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("1");

        Path other = war("other", "other");
        server.container().reload(plan(p -> p.war(stay + ":/stay").war(other + ":/other")));

        assertThat(browser.send(HttpRequest.newBuilder(count).build(), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("2");
        assertThat(server.get("/other/hello").body()).isEqualTo("other");
    }

    @Test
    void replaces_a_changed_app_at_the_same_path_and_cleans_up_its_side_by_side_copy() throws Exception {
        Path v1 = war("v1", "one");
        Path v2 = war("v2", "two");
        server = TestServer.start(dir.resolve("state"), p -> p.war(v1 + ":/app"));
        assertThat(server.get("/app/hello").body()).isEqualTo("one");

        server.container().reload(plan(p -> p.war(v2 + ":/app")));

        assertThat(server.get("/app/hello").body()).isEqualTo("two");
        server.container().reload(plan(p -> p.war(v1 + ":/app")));
        assertThat(server.get("/app/hello").body()).isEqualTo("one");
        try (var apps = Files.list(dir.resolve("state").resolve("apps"))) {
            assertThat(apps.map(a -> a.getFileName().toString()).filter(n -> n.contains("@"))).hasSizeLessThanOrEqualTo(1);
        }
    }
}
