package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.FacesPage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's demo: the packaged jar runs conf/demo.conf (on a free port, state in a temporary
 * directory): all five frameworks answer (the Faces form is posted back, plainly and by Ajax), the
 * page the clock job rewrites changes between two reads about 4 s apart, and `container jobs`
 * reaches the running server.
 */
class DemoIT {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)/");
    private static final Pattern LISTENING_TLS = Pattern.compile("listening on https://[^:]+:(\\d+)/");
    private static final Pattern UPDATED = Pattern.compile("<time id=\"updated\">([^<]+)</time>");

    @TempDir
    static Path state;
    /** One demo for the class: starting five frameworks takes a while. */
    private static Process process;
    private static URI base;
    private static volatile URI https;
    private static final List<String> output = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startDemo() throws Exception {
        base = start();
    }

    /** SIGTERM: the demo stops cleanly, its running jobs with it, and takes its admin.json away. */
    @AfterAll
    static void stopDemo() throws Exception {
        if (process == null) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).start().waitFor();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
            assertThat(process.exitValue()).as("exit status; output:\n%s", String.join("\n", output)).isZero();
            assertThat(Files.exists(state.resolve("admin.json"))).as("admin.json removed at shutdown").isFalse();
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("container.jar")));
        command.addAll(List.of(args));
        return command;
    }

    private static Path demoConf() {
        return Path.of(System.getProperty("conf.dir"), "demo.conf");
    }

    /** Starts the demo and returns its base URL once it is ready. */
    private static URI start() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(java("run", "--config", demoConf().toString())).redirectErrorStream(true);
        builder.environment().put("CONTAINER_PORT", "0");
        builder.environment().put("CONTAINER_HTTPS_PORT", "0");
        builder.environment().put("CONTAINER_STATE", state.toString());
        process = builder.start();
        var ready = new CompletableFuture<URI>();
        Thread reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                URI url = null;
                for (String line; (line = in.readLine()) != null; ) {
                    output.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        url = URI.create("http://127.0.0.1:" + m.group(1) + "/");
                    }
                    Matcher tls = LISTENING_TLS.matcher(line);
                    if (tls.find()) {
                        https = URI.create("https://localhost:" + tls.group(1) + "/");
                    }
                    if (line.contains("ready in") && url != null) {
                        ready.complete(url);
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new AssertionError("demo exited before ready:\n" + String.join("\n", output)));
        }, "demo-output");
        reader.setDaemon(true);
        reader.start();
        return ready.get(120, TimeUnit.SECONDS);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The time the generated page shows, once it is there. */
    private String updated(long deadline) throws Exception {
        while (true) {
            HttpResponse<String> page = get("/generated/");
            Matcher m = UPDATED.matcher(page.body());
            if (page.statusCode() == 200 && m.find()) {
                return m.group(1);
            }
            assertThat(System.nanoTime()).as("the generated page appears; last answer %d %s", page.statusCode(), page.body())
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static CommandResult cli(String... args) throws Exception {
        Process p = new ProcessBuilder(java(args)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new CommandResult(p.exitValue(), out);
    }

    private record CommandResult(int status, String output) {
    }

    @Test
    void demo_serves_five_frameworks_the_site_and_a_page_a_job_rewrites_every_four_seconds() throws Exception {
        assertThat(get("/servlet/hello").body()).contains("Hello from the servlet sample");
        assertThat(get("/jaxrs/api/greeting").body()).contains("\"framework\":\"jersey\"");
        assertThat(get("/spring/hello?name=demo").body()).contains("<h1>Hello, demo!</h1>");
        assertThat(get("/boot/api/status").body()).contains("\"framework\":\"spring-boot\"");
        assertThat(get("/faces/").body()).contains("<h1>faces sample</h1>");
        assertThat(get("/").body()).contains("Static site served by container").contains("/generated/");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String first = updated(deadline);
        Thread.sleep(4500); // the check: two reads about 4 s apart show two versions
        String second = updated(deadline);
        while (second.equals(first) && System.nanoTime() < deadline) { // a loaded machine may run the job late
            Thread.sleep(200);
            second = updated(deadline);
        }
        assertThat(second).isNotEqualTo(first);
        assertThat(Files.exists(state.resolve("generated/index.html"))).isTrue();
        assertThat(get("/servlet/job-ticks").body()).startsWith("job ticks: ").doesNotStartWith("job ticks: 0");
    }

    @Test
    void faces_form_of_the_demo_validates_greets_and_answers_ajax_with_its_session_kept() {
        FacesPage page = FacesPage.open(client, base.resolve("/faces/"));
        assertThat(page.submit("greeting", "greeting:greet", Map.of("greeting:name", "")).body())
                .contains("Please enter your name.");
        assertThat(page.submit("greeting", "greeting:greet", Map.of("greeting:name", "demo")).body())
                .contains("<p id=\"message\">Hello, demo!</p>");
        assertThat(page.ajax("greeting", "greeting:greet", "greeting:result", Map.of("greeting:name", "again")).body())
                .contains("<partial-response")
                .contains("<p id=\"message\">Hello, again!</p>")
                .contains("<span id=\"inView\">2</span>");
        assertThat(FacesPage.open(client, base.resolve("/faces/"), page.cookie()).body())
                .contains("<span id=\"inView\">0</span>")
                .contains("<span id=\"inSession\">2</span>");
    }

    @Test
    void container_jobs_lists_and_runs_the_demo_jobs_through_the_admin_channel() throws Exception {
        Path admin = state.resolve("admin.json");
        assertThat(Files.getPosixFilePermissions(admin)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");

        CommandResult list = cli("jobs", "--state", state.toString());
        assertThat(list.status()).as(list.output()).isZero();
        assertThat(list.output()).contains("NAME").contains("clock").contains("every 4s").contains("tick").contains("boot-status");

        CommandResult run = cli("jobs", "run", "boot-status", "--state", state.toString());
        assertThat(run.status()).as(run.output()).isZero();
        assertThat(run.output()).contains("boot-status: ok at").contains("HTTP 200").contains("(by hand)");

        CommandResult show = cli("jobs", "show", "boot-status", "--state", state.toString());
        assertThat(show.output()).contains("boot-status: every 30s, http GET /boot/api/status").contains("spring-boot");

        CommandResult missing = cli("jobs", "run", "no-such-job", "--state", state.toString());
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.output()).contains("container: no job named no-such-job");
    }

    /**
     * The demo's HTTPS listener: HTTP/2 with a certificate from the local CA made in the state
     * directory, trusted by a client given that CA alone (as the front page tells a user to do);
     * the front page says how to trust it.
     */
    @Test
    void demo_serves_https_with_http2_from_the_local_ca_and_says_how_to_trust_it() throws Exception {
        assertThat(https).as("an https listener in:\n%s", String.join("\n", output)).isNotNull();
        Path ca = state.resolve("tls/local/ca.crt");
        assertThat(ca).exists();
        assertThat(String.join("\n", output)).contains("created a local CA for development HTTPS").contains(ca.toString());
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(ca)) {
            trust.setCertificateEntry("local-ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        var ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient tlsClient = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> page = tlsClient.send(HttpRequest.newBuilder(https).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> servlet = tlsClient.send(HttpRequest.newBuilder(https.resolve("/servlet/hello")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(page.body()).contains("https://localhost:8443/").contains("state/tls/local/ca.crt")
                .contains("update-ca-certificates");
        assertThat(servlet.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(servlet.body()).contains("Hello from the servlet sample");
    }
}
