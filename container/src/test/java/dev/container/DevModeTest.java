package dev.container;

import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** --dev: a replaced WAR is served within seconds, with no failed request; error pages show the trace. */
class DevModeTest {
    @TempDir
    Path dir;

    private TestServer server;
    private DevWatcher watcher;

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Path war(String name, String text) throws IOException {
        return new WarBuilder()
                .java("dev.Hello", """
                        package dev;
                        @jakarta.servlet.annotation.WebServlet("/hello")
                        public class Hello extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.getWriter().print("%s");
                            }
                        }
                        """.formatted(text))
                .java("dev.Boom", """
                        package dev;
                        @jakarta.servlet.annotation.WebServlet("/boom")
                        public class Boom extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) {
                                throw new IllegalStateException("the developer wants to see this");
                            }
                        }
                        """)
                .buildWar(dir.resolve(name + ".war"));
    }

    @Test
    void serves_a_replaced_war_within_seconds_without_a_failed_request() throws Exception {
        Path deployed = war("app", "one");
        server = TestServer.start(dir.resolve("state"), p -> p.dev(true).war(deployed + ":/app"));
        watcher = DevWatcher.start(server.container(), Duration.ofMillis(100));
        List<String> failures = new CopyOnWriteArrayList<>();
        List<String> bodies = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
        Thread client = new Thread(() -> {
            HttpClient http = HttpClient.newHttpClient();
            while (running.get()) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri("/app/hello")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    answered.incrementAndGet();
                    if (r.statusCode() != 200) {
                        failures.add(r.statusCode() + " " + r.body());
                    } else if (bodies.isEmpty() || !bodies.get(bodies.size() - 1).equals(r.body())) {
                        bodies.add(r.body());
                    }
                } catch (IOException e) {
                    failures.add(e.toString());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        client.start();
        ReloadTest.awaitMore(answered, 20);

        Path next = war("next", "two");
        Files.move(next, deployed, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!server.get("/app/hello").body().equals("two")) {
            assertThat(System.nanoTime()).as("the new WAR is served").isLessThan(deadline);
            Thread.sleep(50);
        }
        ReloadTest.awaitMore(answered, 20);
        running.set(false);
        client.join(10_000);
        assertThat(failures).isEmpty();
        assertThat(bodies).containsExactly("one", "two");
    }

    @Test
    void shows_the_stack_trace_on_error_pages() throws Exception {
        Path deployed = war("app", "one");
        server = TestServer.start(dir.resolve("state"), p -> p.dev(true).war(deployed + ":/app"));

        HttpResponse<String> boom = server.get("/app/boom");

        assertThat(boom.statusCode()).isEqualTo(500);
        assertThat(boom.body()).contains("IllegalStateException").contains("the developer wants to see this");
    }

    @Test
    void keeps_the_running_version_when_the_new_war_is_broken() throws Exception {
        Path deployed = war("app", "one");
        server = TestServer.start(dir.resolve("state"), p -> p.dev(true).war(deployed + ":/app"));
        Files.writeString(dir.resolve("broken.war"), "not a zip");
        Files.move(dir.resolve("broken.war"), deployed, StandardCopyOption.REPLACE_EXISTING);

        server.container().redeploy(server.container().plan().apps().get(0));

        assertThat(server.get("/app/hello").body()).isEqualTo("one");
    }
}
