package dev.container.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.container.Container;
import dev.container.config.PlanBuilder;
import dev.container.testing.RawHttp;
import dev.container.testing.WarBuilder;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * An app whose servlet blocks every request, saturated by many clients, holds only its share of
 * the worker threads: another app and a static mount answer meanwhile, and once the app's queue
 * is full it answers 503 with Retry-After; when it unblocks, its queued requests are served.
 */
class WorkerShareTest {
    /** The blocking servlet waits until this system property is set (the apps see the JVM's properties). */
    private static final String RELEASE = "worker-share-test.release";

    @TempDir
    static Path dir;
    static Path blocking;
    static Path fine;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Socket> sockets = new ArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private Container container;

    @BeforeAll
    static void buildApps() throws IOException {
        blocking = new WarBuilder()
                .java("app.Block", """
                        package app;
                        @jakarta.servlet.annotation.WebServlet("/block")
                        public class Block extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                try {
                                    while (System.getProperty("%s") == null) {
                                        Thread.sleep(20);
                                    }
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                resp.getWriter().print("unblocked");
                            }
                        }
                        """.formatted(RELEASE))
                .buildWar(dir.resolve("blocking.war"));
        fine = new WarBuilder()
                .java("app.Hello", """
                        package app;
                        @jakarta.servlet.annotation.WebServlet("/hello")
                        public class Hello extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.getWriter().print("hello");
                            }
                        }
                        """)
                .buildWar(dir.resolve("fine.war"));
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/index.html"), "static");
    }

    @BeforeEach
    void watchLog() {
        System.clearProperty(RELEASE);
        Logger logger = (Logger) LoggerFactory.getLogger("container");
        logger.addAppender(log);
        logger.setLevel(ch.qos.logback.classic.Level.INFO); // the "taking requests again" line
        log.start();
    }

    @AfterEach
    void release() throws IOException {
        System.setProperty(RELEASE, "yes");
        for (Socket socket : sockets) {
            socket.close();
        }
        if (container != null) {
            container.close();
        }
        Logger logger = (Logger) LoggerFactory.getLogger("container");
        logger.detachAppender(log);
        logger.setLevel(null);
    }

    private int start(String blockingApp) throws IOException {
        Path conf = Files.writeString(dir.resolve("share.conf"), """
                apps = [
                  { war = "%s", path = /blocking %s }
                  { war = "%s", path = /fine }
                ]
                static = [{ dir = "%s", prefix = /static }]
                """.formatted(blocking, blockingApp, fine, dir.resolve("site")));
        container = Container.start(new PlanBuilder().configFile(conf).listen("127.0.0.1:0")
                .stateDir(dir.resolve("state")).shutdownTimeout(Duration.ofSeconds(2)).build());
        return container.urls().get(0).getPort();
    }

    /** A client that sends its request and reads nothing: it holds its request open. */
    private void hold(int port, String path) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        sockets.add(socket);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void app_blocking_all_of_its_default_share_leaves_the_other_app_and_static_files_served() throws Exception {
        int port = start("");
        // 500 clients: the app's default share of 200 runs blocked, 300 wait in its queue. Before
        // shares, the 200 workers of the whole server were all blocked here; and a pool that only
        // grew to the shares' sum and its reserve (450) would be blocked whole without the share.
        for (int i = 0; i < 500; i++) {
            hold(port, "/blocking/block");
        }
        for (int i = 0; i < 20; i++) {
            assertThat(get(port, "/fine/hello").body()).isEqualTo("hello");
            assertThat(get(port, "/static/index.html").body()).isEqualTo("static");
        }
    }

    @Test
    void app_whose_share_and_queue_are_full_answers_503_with_retry_after_and_serves_the_queue_later() throws Exception {
        int port = start(", max-requests = 4, max-queued = 4");
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            responses.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/blocking/block"))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        // 4 run, 4 wait; the other 4 are refused at once
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (responses.stream().filter(CompletableFuture::isDone).count() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<HttpResponse<String>> refused = responses.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).toList();
        assertThat(refused).hasSize(4).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(r.body()).contains("too many requests for this application");
        });
        RawHttp another = RawHttp.get(port, "a", "/blocking/block");
        assertThat(another.status()).isEqualTo(503);
        assertThat(another.header("Retry-After")).hasValue("5");
        assertThat(get(port, "/fine/hello").body()).isEqualTo("hello");
        assertThat(get(port, "/static/index.html").body()).isEqualTo("static");
        assertThat(log.list).filteredOn(e -> e.getFormattedMessage().contains("answering 503")).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).isEqualTo("app /blocking: 4 requests running and 4 "
                        + "waiting, its share of the worker threads (max-requests 4, max-queued 4); answering 503 until one is done"));

        System.setProperty(RELEASE, "yes");
        List<HttpResponse<String>> served = responses.stream().filter(f -> !refused.contains(f.getNow(null)))
                .map(f -> f.orTimeout(30, TimeUnit.SECONDS).join()).toList();
        assertThat(served).hasSize(8).allSatisfy(r -> assertThat(r.body()).isEqualTo("unblocked"));
        assertThat(get(port, "/blocking/block").body()).isEqualTo("unblocked");
        assertThat(log.list).anyMatch(e -> e.getFormattedMessage().equals("app /blocking: taking requests again; 5 were refused with 503"));
    }
}
