package dev.container.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.container.config.MetricsSpec;
import dev.container.testing.Await;
import dev.container.testing.ControlApps;
import dev.container.testing.TestServer;
import dev.container.tls.TestCerts;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GET /metrics against a real server: requests over HTTP/1.1 and HTTP/2, TLS handshakes full,
 * resumed and failed (openssl s_client), jobs that succeed and fail, scraped from the admin channel
 * with its token and from the metrics' own listener with theirs; every family with the values
 * those made, and the text as promtool checks it.
 */
class MetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient PLAIN = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private JsonNode adminJson() throws Exception {
        return JSON.readTree(Files.readString(dir.resolve("state/admin.json")));
    }

    private HttpResponse<String> admin(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(adminJson().path("url").asText()).resolve(path))
                .timeout(Duration.ofSeconds(60));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return PLAIN.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Scraped scrape() throws Exception {
        HttpResponse<String> response = admin("metrics", adminJson().path("token").asText());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return Scraped.parse(response.body());
    }

    /** Scrapes until condition holds (counts land when a request's end is seen, a moment after the response). */
    private Scraped scrapeUntil(Predicate<Scraped> condition) throws Exception {
        Scraped[] last = new Scraped[1];
        Await.until("metrics as the test expects them", Duration.ofSeconds(20),
                () -> condition.test(last[0] = scrape()), () -> "the last scrape:\n" + last[0].text());
        return last[0];
    }

    private URI https() {
        return server.container().urls().stream().filter(u -> u.getScheme().equals("https")).findFirst().orElseThrow();
    }

    /** One openssl s_client connection to the HTTPS listener that asks for /index.html and reads to the end. */
    private String sClient(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + https().getPort(),
                "-servername", "localhost", "-ign_eof"));
        command.addAll(List.of(options));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write("GET /site/index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        }
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("openssl s_client finished").isTrue();
        return said;
    }

    private TestCerts.Files2 serve(String provider) throws Exception {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "hello from the site");
        Path shop = ControlApps.hello(dir.resolve("shop.war"), "shop");
        TestCerts.Files2 cert = TestCerts.write(dir, "localhost", "EC", "localhost", "127.0.0.1");
        server = TestServer.start(dir.resolve("state"), p -> p.war(shop.toString()).staticDir(site + ":/site", false)
                .https("127.0.0.1:0").cert(cert.cert(), cert.key()).tlsProvider(provider)
                .job("fine every 1h command true").job("broken every 1h command false"));
        return cert;
    }

    @Test
    void every_family_counts_what_the_server_did_and_promtool_accepts_the_text() throws Exception {
        TestCerts.Files2 cert = serve("auto");
        for (int i = 0; i < 3; i++) {
            assertThat(server.get("/shop/hello").body()).isEqualTo("shop");
        }
        assertThat(server.get("/shop/status?code=503").statusCode()).isEqualTo(503);
        assertThat(server.get("/site/index.html").statusCode()).isEqualTo(200);
        byte[] posted = new byte[1000];
        HttpResponse<String> post = server.send(HttpRequest.newBuilder(server.uri("/shop/hello"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(posted)).build());
        assertThat(post.statusCode()).isEqualTo(405);
        HttpRequest odd = HttpRequest.newBuilder(server.uri("/shop/hello")).method("BREW",
                HttpRequest.BodyPublishers.noBody()).build();
        server.send(odd);
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(TestCerts.trusting(cert.certificate()))
                .build();
        HttpResponse<String> overH2 = h2.send(HttpRequest.newBuilder(https().resolve("/shop/hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(overH2.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(overH2.body()).isEqualTo("shop");
        // bodies no Content-Length declares: chunked over HTTP/1.1, DATA frames alone over h2
        HttpResponse<String> chunked = server.send(HttpRequest.newBuilder(server.uri("/shop/hello"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[500]))).build());
        assertThat(chunked.statusCode()).isEqualTo(405);
        HttpResponse<String> h2Post = h2.send(HttpRequest.newBuilder(https().resolve("/shop/hello"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[300]))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(h2Post.statusCode()).isEqualTo(405);
        // a path no app or static mount claims
        assertThat(server.get("/nowhere").statusCode()).isEqualTo(404);

        Scraped s = scrapeUntil(x -> x.value("container_job_runs_total") >= 2
                && x.value("http_server_request_duration_seconds_count", "method", "GET") >= 7
                && x.value("container_http_request_body_bytes_total", "app", "/shop") >= 1800);

        // HTTP: the histogram by host, app, method and status class; its count is the requests
        String histogram = "http_server_request_duration_seconds";
        assertThat(s.value(histogram + "_count", "host", "default", "app", "/shop", "method", "GET", "status_class", "2xx"))
                .isEqualTo(4); // three over HTTP/1.1, one over h2
        assertThat(s.value(histogram + "_count", "app", "/shop", "method", "GET", "status_class", "5xx")).isEqualTo(1);
        assertThat(s.value(histogram + "_count", "app", "/shop", "method", "POST", "status_class", "4xx")).isEqualTo(3);
        assertThat(s.value(histogram + "_count", "host", "default", "app", "", "method", "GET", "status_class", "4xx"))
                .as("the unclaimed path's 404").isEqualTo(1);
        assertThat(s.value(histogram + "_count", "app", "/shop", "method", "_OTHER")).isEqualTo(1);
        assertThat(s.value(histogram + "_count", "app", "/site", "method", "GET", "status_class", "2xx")).isEqualTo(1);
        assertThat(s.value(histogram + "_bucket", "app", "/shop", "method", "GET", "status_class", "2xx", "le", "+Inf"))
                .isEqualTo(4);
        assertThat(s.value(histogram + "_bucket", "app", "/shop", "method", "GET", "status_class", "2xx", "le", "10.0"))
                .isEqualTo(4);
        assertThat(s.all(histogram + "_bucket", "app", "/shop", "method", "GET", "status_class", "2xx"))
                .extracting(x -> Double.parseDouble(x.labels().get("le").replace("+Inf", "Infinity")))
                .containsExactly(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0,
                        7.5, 10.0, Double.POSITIVE_INFINITY);
        assertThat(s.value(histogram + "_sum", "app", "/shop", "method", "GET", "status_class", "2xx"))
                .isGreaterThan(0).isLessThan(20);
        assertThat(s.has("http_server_active_requests", "host", "default", "app", "/shop")).isTrue();
        assertThat(s.value("http_server_active_requests", "app", "/shop")).isZero();
        var slow = server.client().sendAsync(HttpRequest.newBuilder(server.uri("/shop/slow?ms=1500")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrapeUntil(x -> x.value("http_server_active_requests", "app", "/shop") == 1)
                .value("http_server_active_requests", "app", "/shop")).as("a request being served").isEqualTo(1);
        assertThat(slow.get(20, TimeUnit.SECONDS).body()).isEqualTo("slow");
        assertThat(scrapeUntil(x -> x.value("http_server_active_requests", "app", "/shop") == 0)
                .value("http_server_active_requests", "app", "/shop")).isZero();
        assertThat(s.value("container_http_request_body_bytes_total", "app", "/shop")).isEqualTo(1000 + 500 + 300);
        assertThat(s.value("container_http_response_body_bytes_total", "app", "/shop")).isGreaterThanOrEqualTo(4 * 4);
        assertThat(s.value("container_http_response_body_bytes_total", "app", "/site"))
                .isEqualTo("hello from the site".length());
        String plain = "http://127.0.0.1:" + server.port();
        String tls = "https://127.0.0.1:" + https().getPort();
        assertThat(s.has("container_http_connections_open", "listener", plain)).isTrue();
        assertThat(s.value("container_http_connections_open", "listener", tls)).isGreaterThanOrEqualTo(1); // h2 client's
        assertThat(s.has("container_http2_streams_open", "listener", tls)).isTrue();
        assertThat(s.has("container_http2_streams_open", "listener", plain)).isFalse();
        double open = s.value("container_http_connections_open", "listener", plain);
        try (Socket connection = new Socket("127.0.0.1", server.port())) {
            assertThat(scrapeUntil(x -> x.value("container_http_connections_open", "listener", plain) == open + 1)
                    .value("container_http_connections_open", "listener", plain)).isEqualTo(open + 1);
        }
        assertThat(scrapeUntil(x -> x.value("container_http_connections_open", "listener", plain) == open)
                .value("container_http_connections_open", "listener", plain)).as("a closed connection").isEqualTo(open);

        // TLS: the h2 client's handshake was full; the certificate's expiry
        assertThat(s.value("container_tls_handshakes_total", "kind", "full")).isGreaterThanOrEqualTo(1);
        assertThat(s.value("container_tls_certificate_expiry_seconds", "name", "localhost"))
                .isCloseTo(Duration.ofDays(1).toSeconds(), within(120.0));
        assertThat(s.value("container_tls_handshake_failures_total")).isZero();

        // jobs: one ran and succeeded, the other failed; their durations
        assertThat(s.value("container_job_runs_total", "job", "fine", "outcome", "ok")).isEqualTo(1);
        assertThat(s.value("container_job_runs_total", "job", "fine", "outcome", "failed")).isZero();
        assertThat(s.value("container_job_runs_total", "job", "broken", "outcome", "failed")).isEqualTo(1);
        assertThat(s.has("container_job_runs_total", "job", "broken", "outcome", "timed_out")).isTrue();
        assertThat(s.has("container_job_runs_total", "job", "broken", "outcome", "skipped")).isTrue();
        assertThat(s.value("container_job_run_duration_seconds_count", "job", "fine")).isEqualTo(1);

        // JVM and process, from Micrometer's binders
        for (String family : List.of("jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads",
                "jvm_classes_loaded_classes", "process_cpu_usage", "system_cpus", "process_files_open_files",
                "process_uptime_seconds", "process_cpu_seconds_total", "jvm_info")) {
            assertThat(s.has(family)).as(family).isTrue();
        }
        assertThat(s.value("process_files_open_files")).isGreaterThan(10);

        // no ACME here: no such family
        assertThat(s.has("container_acme_orders_total")).isFalse();

        // without promtool: skipped here, naming Debian's prometheus package (MissingTools)
        assertThat(Scraped.promtool(s.text(), dir)).isEqualTo("exit 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"conscrypt", "jdk"})
    void handshakes_count_full_resumed_and_failed_by_reason(String provider) throws Exception {
        serve(provider);
        Path session = dir.resolve("session.pem");
        String first = sClient("-sess_out", session.toString());
        String second = sClient("-sess_in", session.toString());
        assertThat(second).as(second).contains("Reused, TLSv1.3").contains("hello from the site");
        String noSharedCipher = sClient("-tls1_2", "-cipher", "AES128-SHA");
        assertThat(noSharedCipher).doesNotContain("hello from the site");
        try (Socket socket = new Socket("127.0.0.1", https().getPort())) { // plain HTTP to the HTTPS port
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(10_000);
            try (InputStream in = socket.getInputStream()) {
                in.readAllBytes();
            } catch (java.io.IOException e) {
                // reset: what a server may do to a client that does not speak TLS
            }
        }
        try (Socket probe = new Socket("127.0.0.1", https().getPort())) {
            probe.setSoTimeout(1); // a port probe: connects, sends nothing, leaves; no handshake
        }
        assertThat(first).contains("New, TLSv1.3");

        Scraped s = scrapeUntil(x -> x.value("container_tls_handshake_failures_total") >= 2);
        assertThat(s.value("container_tls_handshakes_total", "kind", "full")).isEqualTo(1);
        assertThat(s.value("container_tls_handshakes_total", "kind", "resumed")).isEqualTo(1);
        assertThat(s.value("container_tls_handshake_failures_total", "reason", "no_shared_cipher")).isEqualTo(1);
        assertThat(s.value("container_tls_handshake_failures_total", "reason", "not_tls")).isEqualTo(1);
        assertThat(s.value("container_tls_handshake_failures_total")).as(s.text()).isEqualTo(2);
        assertThat(s.all("container_tls_handshake_failures_total")).extracting(x -> x.labels().get("reason"))
                .containsExactlyInAnyOrderElementsOf(Metrics.HANDSHAKE_FAILURES);
    }

    @Test
    void metrics_need_the_admin_token() throws Exception {
        serve("auto");
        HttpResponse<String> anonymous = admin("metrics", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("www-authenticate")).hasValue("Bearer");
        assertThat(anonymous.body()).doesNotContain("jvm_");
        assertThat(admin("metrics", "wrong").statusCode()).isEqualTo(401);
        assertThat(admin("metrics", adminJson().path("token").asText()).statusCode()).isEqualTo(200);
    }

    @Test
    void the_own_listener_serves_the_metrics_behind_its_token() throws Exception {
        Path shop = ControlApps.hello(dir.resolve("shop.war"), "shop");
        server = TestServer.start(dir.resolve("state"), p -> p.war(shop.toString())
                .metrics(MetricsSpec.DEFAULT.withToken(TOKEN)).metrics("127.0.0.1:0"));
        assertThat(server.get("/shop/hello").statusCode()).isEqualTo(200);
        URI url = URI.create(server.container().metricsUrl().orElseThrow());
        assertThat(url.getPath()).isEqualTo("/metrics");

        HttpResponse<String> anonymous = PLAIN.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrong = PLAIN.send(HttpRequest.newBuilder(url).header("Authorization", "Bearer " + TOKEN + "x")
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> ok = PLAIN.send(HttpRequest.newBuilder(url).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> elsewhere = PLAIN.send(HttpRequest.newBuilder(url.resolve("/status"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).doesNotContain("jvm_");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("content-type")).hasValue(Metrics.contentType());
        assertThat(Scraped.parse(ok.body()).value("http_server_request_duration_seconds_count", "app", "/shop"))
                .isEqualTo(1);
        assertThat(elsewhere.statusCode()).isEqualTo(404);
        // the admin channel serves the same families
        assertThat(scrape().has("http_server_request_duration_seconds_count", "app", "/shop")).isTrue();
    }

    @Test
    void metrics_off_count_nothing_and_answer_404() throws Exception {
        Path shop = ControlApps.hello(dir.resolve("shop.war"), "shop");
        server = TestServer.start(dir.resolve("state"), p -> p.war(shop.toString()).metrics("off"));
        assertThat(server.get("/shop/hello").statusCode()).isEqualTo(200);

        HttpResponse<String> answer = admin("metrics", adminJson().path("token").asText());

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(answer.body()).path("detail").asText()).contains("metrics are off");
        assertThat(server.container().metricsUrl()).isEmpty();
    }

    @Test
    void counts_go_on_across_a_reload() throws Exception {
        Path shop = ControlApps.hello(dir.resolve("shop.war"), "shop");
        Path config = Files.writeString(dir.resolve("container.conf"), """
                listeners = [{ host = 127.0.0.1, port = 0 }]
                state-dir = state
                apps = [{ war = "%s" }]
                """.formatted(shop));
        server = TestServer.startConfig(config);
        assertThat(server.get("/shop/hello").statusCode()).isEqualTo(200);
        assertThat(scrapeUntil(x -> x.value("http_server_request_duration_seconds_count", "app", "/shop") == 1)
                .value("http_server_request_duration_seconds_count", "app", "/shop")).isEqualTo(1);

        Path blog = ControlApps.hello(dir.resolve("blog.war"), "blog");
        Files.writeString(config, """
                listeners = [{ host = 127.0.0.1, port = 0 }]
                state-dir = state
                apps = [{ war = "%s" }, { war = "%s" }]
                """.formatted(shop, blog));
        assertThat(admin("reload", null).statusCode()).isEqualTo(401);
        HttpResponse<String> reloaded = PLAIN.send(HttpRequest.newBuilder(URI.create(adminJson().path("url").asText())
                        .resolve("reload")).header("Authorization", "Bearer " + adminJson().path("token").asText())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
        assertThat(server.get("/shop/hello").statusCode()).isEqualTo(200);
        assertThat(server.get("/blog/hello").statusCode()).isEqualTo(200);

        Scraped s = scrapeUntil(x -> x.value("http_server_request_duration_seconds_count", "app", "/blog") == 1
                && x.value("http_server_request_duration_seconds_count", "app", "/shop") == 2);
        assertThat(s.value("http_server_request_duration_seconds_count", "app", "/shop")).isEqualTo(2);
        assertThat(s.value("http_server_request_duration_seconds_count", "app", "/blog")).isEqualTo(1);
    }
}
