package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.container.admin.Control;
import dev.container.testing.Await;
import dev.container.testing.LogCapture;
import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How apps start: beside each other at start (a failing one answers 503, the others serve, the
 * log names each in plan order), and {@code start = lazy}: deployed by the first request, once
 * however many arrive together, a failure answering 503. Real WARs, a real server, java.net.http.
 */
class AppStartTest {
    @TempDir
    Path dir;
    /** The container's own lines (INFO, below the tests' WARN) are what these tests read. */
    private final ch.qos.logback.classic.Logger containerLog =
            (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("container");

    @org.junit.jupiter.api.BeforeEach
    void logContainerLines() {
        containerLog.setLevel(Level.INFO);
    }

    @org.junit.jupiter.api.AfterEach
    void quietAgain() {
        containerLog.setLevel(null);
    }

    /**
     * A WAR whose listener appends a line to the file of its context param "marker" when the app
     * starts (after a pause, so that concurrent first requests really overlap its start), and
     * fails when fail = true.
     */
    private Path war(String name, boolean fail) throws IOException {
        return new WarBuilder()
                .java("app.Started", """
                        package app;
                        @jakarta.servlet.annotation.WebListener
                        public class Started implements jakarta.servlet.ServletContextListener {
                            public void contextInitialized(jakarta.servlet.ServletContextEvent e) {
                                String marker = e.getServletContext().getInitParameter("marker");
                                try {
                                    Thread.sleep(300);
                                    java.nio.file.Files.writeString(java.nio.file.Path.of(marker), "started\\n",
                                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                                } catch (Exception x) {
                                    throw new RuntimeException(x);
                                }
                                if (FAIL) {
                                    throw new IllegalStateException("the database is not there");
                                }
                            }
                            private static final boolean FAIL = %s;
                        }
                        """.formatted(fail))
                .java("app.Hello", """
                        package app;
                        @jakarta.servlet.annotation.WebServlet("/hello")
                        public class Hello extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.getWriter().print("hello from " + req.getContextPath());
                            }
                        }
                        """)
                .buildWar(dir.resolve(name + ".war"));
    }

    private Path marker(String name) {
        return dir.resolve(name + ".started");
    }

    private String app(String name, boolean fail, String extra) throws IOException {
        return "  { war = \"" + war(name, fail) + "\", context-params { marker = \"" + marker(name) + "\" }" + extra + " }\n";
    }

    private Path config(String apps) throws IOException {
        Path conf = dir.resolve("container.conf");
        Files.writeString(conf, "listeners = [{ host = 127.0.0.1, port = 0 }]\nstate-dir = \"" + dir.resolve("state") + "\"\n"
                + "shutdown-timeout = 5s\napps = [\n" + apps + "]\n");
        return conf;
    }

    private static Control.AppState state(TestServer server, String contextPath) {
        return server.container().appSnapshots().stream().filter(a -> a.spec().contextPath().equals(contextPath))
                .findFirst().orElseThrow().state();
    }

    /** The lazy app's state once the republication its start posted has run (on another thread). */
    private static Control.AppState settledState(TestServer server, String contextPath) throws Exception {
        Await.until(contextPath + " no longer lazy", Duration.ofSeconds(5),
                () -> state(server, contextPath) != Control.AppState.LAZY);
        return state(server, contextPath);
    }

    private static int lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    @Test
    void apps_start_side_by_side_and_a_failing_one_answers_503_while_the_others_serve() throws Exception {
        String apps = app("one", false, "") + app("two", true, "") + app("three", false, "") + app("four", false, "");
        try (var log = LogCapture.start(); var server = TestServer.startConfig(config(apps))) {
            assertThat(server.get("/one/hello").body()).isEqualTo("hello from /one");
            assertThat(server.get("/two/hello").statusCode()).isEqualTo(503);
            assertThat(server.get("/three/hello").body()).isEqualTo("hello from /three");
            assertThat(server.get("/four/hello").body()).isEqualTo("hello from /four");
            assertThat(state(server, "/two")).isEqualTo(Control.AppState.FAILED);
            List<String> appLines = log.all().stream().filter(l -> l.startsWith("app /")).toList();
            assertThat(appLines).hasSize(4);
            assertThat(appLines.get(0)).startsWith("app /one <- ");
            assertThat(appLines.get(1)).startsWith("app /two failed to start, answering 503: ")
                    .contains("the database is not there");
            assertThat(appLines.get(2)).startsWith("app /three <- ");
            assertThat(appLines.get(3)).startsWith("app /four <- ");
        }
    }

    @Test
    void a_lazy_app_is_not_deployed_before_its_first_request() throws Exception {
        String apps = app("eager", false, "") + app("lazy", false, ", start = lazy");
        try (var log = LogCapture.start(); var server = TestServer.startConfig(config(apps))) {
            assertThat(lines(marker("eager"))).isEqualTo(1);
            assertThat(lines(marker("lazy"))).isZero();
            assertThat(state(server, "/lazy")).isEqualTo(Control.AppState.LAZY);
            assertThat(new ContainerControl(server.container()).apps())
                    .filteredOn(a -> a.contextPath().equals("/lazy")).singleElement()
                    .satisfies(a -> assertThat(a.state()).isEqualTo(Control.AppState.LAZY));
            assertThat(new ContainerControl(server.container()).readiness().ready()).isTrue();
            assertThat(log.all()).anyMatch(l -> l.startsWith("app /lazy <- ") && l.contains("start = lazy"));

            assertThat(server.get("/lazy/hello").body()).isEqualTo("hello from /lazy");

            assertThat(lines(marker("lazy"))).isEqualTo(1);
            assertThat(settledState(server, "/lazy")).isEqualTo(Control.AppState.RUNNING);
            assertThat(log.all()).anyMatch(l -> l.startsWith("app /lazy <- ") && l.contains("on its first request"));
        }
    }

    @Test
    void concurrent_first_requests_deploy_a_lazy_app_once() throws Exception {
        try (var server = TestServer.startConfig(config(app("lazy", false, ", start = lazy")))) {
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(server.client().sendAsync(HttpRequest.newBuilder(server.uri("/lazy/hello")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (var answer : answers) {
                assertThat(answer.get().statusCode()).isEqualTo(200);
                assertThat(answer.get().body()).isEqualTo("hello from /lazy");
            }
            assertThat(lines(marker("lazy"))).isEqualTo(1);
        }
    }

    @Test
    void a_lazy_app_that_fails_answers_503_and_is_logged_once() throws Exception {
        try (var log = LogCapture.start();
             var server = TestServer.startConfig(config(app("broken", true, ", start = lazy, optional = true")))) {
            assertThat(server.get("/broken/hello").statusCode()).isEqualTo(503);
            assertThat(server.get("/broken/hello").statusCode()).isEqualTo(503);
            assertThat(lines(marker("broken"))).isEqualTo(1);
            assertThat(settledState(server, "/broken")).isEqualTo(Control.AppState.FAILED);
            assertThat(log.messages(Level.ERROR).stream().filter(l -> l.startsWith("app /broken failed to start")))
                    .singleElement().asString().contains("on its first request").contains("the database is not there");
        }
    }
}
