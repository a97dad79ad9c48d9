package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.container.testing.ContainerProcess;
import dev.container.testing.H2load;
import dev.container.testing.LoadClient;
import dev.container.testing.RawHttp;
import dev.container.testing.Samples;
import dev.container.testing.WarBuilder;
import dev.container.tls.TestCerts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, section 2: SIGHUP reload, app redeploy, certificate rotation and SIGTERM, each done to
 * the packaged jar in a real process while real clients keep a few hundred connections busy
 * (HTTP/1.1 plain and over TLS, HTTP/2 over TLS); the clients count every request and no request
 * may fail. h2load (nghttp2-client) counts the steady load; scripts/loadclient (python3-h2) counts
 * where h2load cannot tell apart what the server refused cleanly from what it cut: the new TLS
 * connections that see each certificate, and the stop. What "failed" means at SIGTERM is defined
 * in docs/security.md ("Stopping and reloading under load") and in scripts/loadclient.
 */
class LifecycleUnderLoadIT {
    /** Seconds of steady load around each change: the change lands in the middle. */
    private static final int LOAD_SECONDS = 10;

    @TempDir
    Path dir;

    @BeforeEach
    void tools() {
        Assumptions.assumeTrue(H2load.installed(), "h2load is needed (Debian: nghttp2-client)");
        String missing = LoadClient.missing();
        Assumptions.assumeTrue(missing == null, missing);
    }

    /** A WAR whose /hello answers "version VERSION". */
    private Path war(String name, String version) throws IOException {
        return new WarBuilder()
                .java("lifecycle.Hello", """
                        package lifecycle;
                        @jakarta.servlet.annotation.WebServlet("/hello")
                        public class Hello extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.setContentType("text/plain");
                                resp.getWriter().print("version %s");
                            }
                        }
                        """.formatted(version))
                .buildWar(dir.resolve(name));
    }

    private static String quote(Path path) {
        return "\"" + path.toString().replace("\\", "\\\\") + "\"";
    }

    /** A plain and an HTTPS listener on free loopback ports, the certificate, the state dir, and the rest. */
    private Path config(String name, Path cert, Path key, String rest) throws IOException {
        return Files.writeString(dir.resolve(name), """
                listeners = [ { host = "127.0.0.1", port = 0 }, { host = "127.0.0.1", port = 0, tls = true } ]
                certificates = [ { cert = %s, key = %s } ]
                state-dir = %s
                %s
                """.formatted(quote(cert), quote(key), quote(dir.resolve("state")), rest));
    }

    /** 300 connections: 100 HTTP/1.1 plain, 100 HTTP/1.1 over TLS, 100 HTTP/2 over TLS with 2 streams each. */
    private static List<H2load> steadyLoad(ContainerProcess container, String... paths) throws Exception {
        URI http = container.url("http");
        URI https = container.url("https");
        return List.of(
                H2load.start("h1 plain", LOAD_SECONDS, 100, 1, true, urls(http, paths)),
                H2load.start("h1 TLS", LOAD_SECONDS, 100, 1, true, urls(https, paths)),
                H2load.start("h2 TLS", LOAD_SECONDS, 100, 2, false, urls(https, paths)));
    }

    private static URI[] urls(URI base, String... paths) {
        return java.util.Arrays.stream(paths).map(p -> base.resolve(p)).toArray(URI[]::new);
    }

    /** Waits for each run and asserts that it counted at least a few hundred requests and no failure. */
    private static List<H2load.Result> noFailures(List<H2load> load) throws Exception {
        List<H2load.Result> results = new ArrayList<>();
        for (H2load run : load) {
            results.add(run.result().assertNoFailures(300));
        }
        results.forEach(r -> System.out.println("[lifecycle] " + r.summary()));
        return results;
    }

    private static String body(URI url) throws Exception {
        Process curl = new ProcessBuilder("curl", "-sSk", "--max-time", "10", url.toString()).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(15, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void sighup_replacing_an_app_and_adding_a_static_mount_fails_no_request() throws Exception {
        Path v1 = war("v1.war", "1");
        Path v2 = war("v2.war", "2");
        var cert = TestCerts.write(dir, "localhost", "EC", "localhost", "127.0.0.1");
        String site = "static = [ %s ]".formatted(quote(Samples.site()));
        Path conf = config("container.conf", cert.cert(), cert.key(), "apps = [ { war = %s, path = /app } ]\n%s".formatted(quote(v1), site));
        try (var container = ContainerProcess.start("run", "--config", conf.toString())) {
            List<H2load> load = steadyLoad(container, "/app/hello", "/index.html");
            // a client that leaves with streams in flight: Undertow never completes some of those
            // exchanges, and their count held up the reload for its whole timeout (30 s)
            H2load.start("h2 TLS, leaving", 2, 20, 8, false, container.url("https").resolve("/app/hello")).result().assertNoFailures(100);
            Thread.sleep(1_000);

            config("container.conf", cert.cert(), cert.key(), """
                    apps = [ { war = %s, path = /app } ]
                    static = [ %s, { dir = %s, prefix = /more } ]
                    """.formatted(quote(v2), quote(Samples.site()), quote(Samples.site())));
            container.signal("HUP");
            String reloaded = container.awaitLine("reloaded in", 0);

            assertThat(load).as("the reload ended while the load ran").allMatch(H2load::running);
            noFailures(load);
            assertThat(reloaded).contains("1 app(s) started, 1 stopped");
            assertThat(container.log()).doesNotContain("still running");
            assertThat(body(container.url("http").resolve("/app/hello"))).isEqualTo("version 2");
            assertThat(body(container.url("https").resolve("/more/index.html"))).contains("Static site served by container");
        }
    }

    @Test
    void dev_mode_redeploy_of_a_replaced_war_fails_no_request() throws Exception {
        Path app = war("app.war", "1");
        try (var container = ContainerProcess.start("run", "--dev", "--war", app + ":/app", "--static", Samples.site().toString(),
                "--listen", "127.0.0.1:0", "--https", "127.0.0.1:0", "--state", dir.resolve("state").toString())) {
            List<H2load> load = steadyLoad(container, "/app/hello", "/index.html");
            Thread.sleep(3_000);

            Path next = war("app.war.next", "2");
            Files.move(next, app, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            String redeployed = container.awaitLine("redeployed in", 0);

            assertThat(load).as("the redeploy ended while the load ran").allMatch(H2load::running);
            noFailures(load);
            assertThat(redeployed).contains("app /app redeployed");
            assertThat(container.log()).doesNotContain("still running");
            assertThat(body(container.url("http").resolve("/app/hello"))).isEqualTo("version 2");
        }
    }

    @Test
    void certificate_replaced_on_disk_then_by_sighup_fails_no_request_and_no_handshake() throws Exception {
        Path app = war("app.war", "1");
        // subjects of their own (CN = the first name): a trust store finds an anchor by its subject
        var first = TestCerts.write(dir, "first", "EC", "first.localhost", "localhost", "127.0.0.1");
        var second = TestCerts.write(dir, "second", "EC", "second.localhost", "localhost", "127.0.0.1");
        var third = TestCerts.write(dir, "third", "RSA", "third.localhost", "localhost", "127.0.0.1");
        Path liveCert = Files.copy(first.cert(), dir.resolve("live.crt"));
        Path liveKey = Files.copy(first.key(), dir.resolve("live.key"));
        String apps = "apps = [ { war = %s, path = /app } ]".formatted(quote(app));
        Path conf = config("container.conf", liveCert, liveKey, apps);
        Path trust = LoadClient.trustFile(dir.resolve("trust.pem"), first.cert(), second.cert(), third.cert());
        try (var container = ContainerProcess.start("run", "--config", conf.toString())) {
            URI https = container.url("https");
            String server = "url=https://127.0.0.1:" + https.getPort() + " sni=localhost paths=/app/hello expect=version";
            // a new TLS connection for every request (HTTP/1.1) or every ten (HTTP/2): handshakes all along
            try (var handshakes = LoadClient.start(trust, "name=h1-new-connections proto=h1 conns=20 per-conn=1 " + server,
                    "name=h2-new-connections proto=h2 conns=20 streams=2 per-conn=10 " + server)) {
                List<H2load> load = List.of(
                        H2load.start("h1 TLS", LOAD_SECONDS + 6, 100, 1, true, https.resolve("/app/hello")),
                        H2load.start("h2 TLS", LOAD_SECONDS + 6, 100, 2, false, https.resolve("/app/hello")));
                Thread.sleep(2_000);

                // as a deploy tool does it: each file written beside, then renamed over the live one
                Files.copy(second.key(), dir.resolve("live.key.new"));
                Files.copy(second.cert(), dir.resolve("live.crt.new"));
                Files.move(dir.resolve("live.key.new"), liveKey, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                Files.move(dir.resolve("live.crt.new"), liveCert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                container.awaitLine("certificates read again after a change on disk", 0);
                Thread.sleep(1_500);

                config("container.conf", third.cert(), third.key(), apps);
                container.signal("HUP");
                container.awaitLine("reloaded in", 0);
                Thread.sleep(1_500);

                assertThat(load).as("both changes ended while the load ran").allMatch(H2load::running);
                noFailures(load);
                JsonNode summary = handshakes.stop();
                System.out.println("[lifecycle] rotation, new connections: " + summary);
                assertThat(summary.get("failures").size()).as("failures: %s", summary).isZero();
                assertThat(summary.get("ok").asLong()).isEqualTo(summary.get("requests").asLong()).isGreaterThan(300);
                List<String> seen = new ArrayList<>();
                summary.get("certificates").forEach(c -> seen.add(c.get("sha256").asText()));
                assertThat(seen).as("the certificates the new connections saw, in order")
                        .containsExactly(sha256(first), sha256(second), sha256(third));
            }
            assertThat(container.log()).doesNotContain("the running certificates stay");
        }
    }

    private static String sha256(TestCerts.Files2 cert) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(cert.certificate().getEncoded()));
    }

    @Test
    void sigterm_finishes_every_request_clients_sent_and_only_refuses_new_connections() throws Exception {
        var cert = TestCerts.write(dir, "localhost", "EC", "localhost", "127.0.0.1");
        Path conf = config("container.conf", cert.cert(), cert.key(),
                "apps = [ { war = %s, path = /app } ]".formatted(quote(Samples.servletWar())));
        try (var container = ContainerProcess.start("run", "--config", conf.toString())) {
            URI http = container.url("http");
            URI https = container.url("https");
            String paths = " paths=/app/hello,/app/async?delay=600";
            String plain = "url=http://127.0.0.1:" + http.getPort() + paths;
            String tls = "url=https://127.0.0.1:" + https.getPort() + " sni=localhost" + paths;
            try (var load = LoadClient.start(cert.cert(), "name=h1-plain proto=h1 conns=100 " + plain,
                    "name=h1-tls proto=h1 conns=50 " + tls, "name=h2-tls proto=h2 conns=50 streams=4 " + tls);
                 var idle = new Socket()) {
                idle.connect(new InetSocketAddress("127.0.0.1", http.getPort()));
                assertThat(exchange(idle)).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection: close");
                Thread.sleep(3_000);

                load.mark();
                container.signal("TERM");
                RawHttp.awaitRefused(http.getPort(), Duration.ofSeconds(30));
                // a keep-alive connection that was idle sends its next request after the listener closed
                String late = exchange(idle);
                assertThat(late).as("a request sent on an open connection during the drain")
                        .startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");

                assertThat(container.awaitExit()).isZero();
                JsonNode summary = load.stop();
                System.out.println("[lifecycle] SIGTERM: " + summary);
                assertThat(summary.get("failures").size()).as("failures: %s", summary).isZero();
                assertThat(summary.get("ok").asLong()).isEqualTo(summary.get("requests").asLong() - summary.get("unprocessed").asLong());
                JsonNode targets = summary.get("targets");
                for (String target : List.of("h1-plain", "h1-tls", "h2-tls")) {
                    assertThat(targets.get(target).path("ok_in_flight_at_mark").asLong())
                            .as("%s: requests in flight at SIGTERM that finished", target).isPositive();
                }
                assertThat(targets.get("h1-plain").path("conn_close@mark").asLong()).as("HTTP/1.1 told to close").isPositive();
                assertThat(targets.get("h1-tls").path("conn_close@mark").asLong()).as("HTTP/1.1 over TLS told to close").isPositive();
                assertThat(targets.get("h2-tls").path("goaway_notice@mark").asLong()).as("HTTP/2 told to go away").isPositive();
            }
            assertThat(container.log()).doesNotContain("still running").contains("stopped in");
        }
    }

    /** Sends GET /app/hello on socket and reads one response's head and body (Content-Length). */
    private static String exchange(Socket socket) throws IOException {
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write("GET /app/hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        StringBuilder head = new StringBuilder();
        int length = 0;
        for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
            head.append(line).append('\n');
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        char[] body = new char[length];
        for (int read = 0; read < length; ) {
            int n = in.read(body, read, length - read);
            if (n < 0) {
                break;
            }
            read += n;
        }
        return head + "\n" + new String(body);
    }
}
