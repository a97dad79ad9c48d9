package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.Samples;
import dev.container.testing.WarBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar in a real process, as a user runs it: startup summary, curl, signals. */
class ContainerProcessIT {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:(\\d+)/)");
    private static final Pattern REQUESTS = Pattern.compile("requests=(\\d+)");

    @TempDir
    Path state;
    private Process process;
    private Thread reader;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void killLeftover() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /** Starts the jar and returns its base URL once it logs that it is ready. */
    private URI start(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("container.jar")));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var ready = new CompletableFuture<URI>();
        reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                URI url = null;
                for (String line; (line = in.readLine()) != null; ) {
                    output.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        url = URI.create(m.group(1));
                    }
                    if (line.contains("ready in") && url != null) {
                        ready.complete(url);
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new AssertionError("container exited before ready:\n" + String.join("\n", output)));
        }, "container-output");
        reader.setDaemon(true);
        reader.start();
        return ready.get(60, TimeUnit.SECONDS);
    }

    private URI startSamples() throws Exception {
        return start("run", "--war", Samples.servletWar().toString(), "--static", Samples.site().toString(),
                "--listen", "127.0.0.1:0", "--state", state.toString());
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(15, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void startup_summary_names_each_app_mount_and_listener_and_the_time_to_ready() throws Exception {
        URI base = startSamples();
        assertThat(output).anyMatch(l -> l.matches(".*app /servlet <- .*servlet\\.war \\(\\d+ ms\\)"));
        assertThat(output).anyMatch(l -> l.matches(".*static / <- .*site"));
        assertThat(output).anyMatch(l -> l.endsWith("listening on " + base));
        assertThat(output).anyMatch(l -> l.matches(".*ready in \\d+ ms"));
    }

    @Test
    void curl_gets_the_app_and_the_static_site() throws Exception {
        URI base = startSamples();
        assertThat(curl(base.resolve("/servlet/hello").toString())).contains("Hello from the servlet sample");
        assertThat(curl("-i", base.resolve("/").toString()))
                .startsWith("HTTP/1.1 200")
                .contains("Static site served by container");
    }

    @Test
    void packaged_jar_opens_to_apps_the_jdk_packages_tomcat_opens() throws Exception {
        Path war = new WarBuilder()
                .java("app.Opens", """
                        package app;
                        @jakarta.servlet.annotation.WebServlet("/opens")
                        public class Opens extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                try {
                                    var defineClass = ClassLoader.class.getDeclaredMethod("defineClass",
                                            String.class, byte[].class, int.class, int.class);
                                    resp.getWriter().print("java.lang open=" + defineClass.trySetAccessible());
                                } catch (NoSuchMethodException e) {
                                    throw new IllegalStateException(e);
                                }
                            }
                        }
                        """)
                .buildWar(state.resolve("opens.war"));
        URI base = start("run", "--war", war.toString(), "--listen", "127.0.0.1:0", "--state", state.resolve("state").toString());
        assertThat(get(base.resolve("opens/opens")).body()).isEqualTo("java.lang open=true");
    }

    @Test
    void sigterm_lets_in_flight_requests_finish_runs_context_destroyed_and_exits_zero() throws Exception {
        URI base = startSamples();
        int inFlight = 8;
        long before = requestCount(base);
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < inFlight; i++) {
            slow.add(client.sendAsync(HttpRequest.newBuilder(base.resolve("/servlet/async?delay=1500")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        awaitRequestsStarted(base, before, inFlight);

        signal("TERM");

        for (var response : slow) {
            var r = response.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("async done after 1500ms");
        }
        assertThat(awaitExit()).isZero();
        assertThat(output).anyMatch(l -> l.contains("servlet sample: context destroyed"));
        assertThat(output).anyMatch(l -> l.matches(".*stopped in \\d+ ms"));
    }

    @Test
    void sigint_exits_zero() throws Exception {
        startSamples();
        // A process started as a background job of a non-interactive shell inherits SIGINT ignored,
        // and the JVM then leaves it ignored (as nohup'd programs should): nothing to test there.
        org.junit.jupiter.api.Assumptions.assumeFalse(ignores(process.pid(), 2),
                "SIGINT is ignored in this process tree (started as a background job?): the container rightly keeps it ignored");
        signal("INT");
        assertThat(awaitExit()).isZero();
    }

    @Test
    void bad_input_exits_two_with_one_line_and_no_stack_trace() throws Exception {
        Process bad = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("container.jar"), "run", "--war", "missing.war")
                .redirectErrorStream(true).start();
        String out = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(2);
        assertThat(out).isEqualTo("container: --war missing.war: no such file or directory: missing.war\n");
    }

    @Test
    void config_file_runs_with_flags_on_top_and_routes_by_host() throws Exception {
        Path conf = java.nio.file.Files.writeString(state.resolve("container.conf"), """
                listeners = [":8080"]
                hosts {
                  main { default = true }
                  docs { names = [docs.test], headers { X-Served-By = docs } }
                }
                apps = [{ war = "%s", hosts = [main] }]
                static = [{ dir = "%s", hosts = [docs] }]
                """.formatted(Samples.servletWar(), Samples.site()));
        URI base = start("run", "--config", conf.toString(), "--listen", "127.0.0.1:0", "--state", state.resolve("state").toString());
        assertThat(curl(base.resolve("/servlet/hello").toString())).contains("Hello from the servlet sample");
        assertThat(curl("-i", "-H", "Host: docs.test", base.resolve("/").toString()))
                .startsWith("HTTP/1.1 200")
                .contains("X-Served-By: docs")
                .contains("Static site served by container");
    }

    @Test
    void sighup_applies_a_changed_config_file_and_keeps_the_old_one_when_the_new_is_broken() throws Exception {
        Path conf = state.resolve("reload.conf");
        java.nio.file.Files.writeString(conf, "apps = [{ war = \"%s\" }]\n".formatted(Samples.servletWar()));
        URI base = start("run", "--config", conf.toString(), "--listen", "127.0.0.1:0", "--state", state.resolve("state").toString());
        assertThat(get(base.resolve("/")).statusCode()).isEqualTo(404);

        java.nio.file.Files.writeString(conf, "apps = [{ war = \"%s\" }]\nstatic = [\"%s\"]\n"
                .formatted(Samples.servletWar(), Samples.site()));
        signal("HUP");
        awaitOutput("reloaded in");
        assertThat(get(base.resolve("/")).body()).contains("Static site served by container");
        assertThat(output).anyMatch(l -> l.contains("0 app(s) started, 0 stopped, 1 unchanged"));

        java.nio.file.Files.writeString(conf, "apps = [{ war = /no/such.war }]\n");
        signal("HUP");
        awaitOutput("refused");
        assertThat(output).anyMatch(l -> l.contains("reload.conf:1: apps[0].war: no such file or directory"));
        assertThat(get(base.resolve("/servlet/hello")).statusCode()).isEqualTo(200);
        assertThat(get(base.resolve("/")).statusCode()).isEqualTo(200);
    }

    private void awaitOutput(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (output.stream().noneMatch(l -> l.contains(text))) {
            assertThat(System.nanoTime()).as("waiting for '%s' in the output:\n%s", text, String.join("\n", output))
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void validate_accepts_the_reference_config_and_refuses_a_broken_one() throws Exception {
        Path reference = Path.of(System.getProperty("conf.dir"), "container.conf");
        Path broken = java.nio.file.Files.writeString(state.resolve("broken.conf"), "listners = []\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process ok = new ProcessBuilder(java, "-jar", System.getProperty("container.jar"), "validate", reference.toString())
                .redirectErrorStream(true).start();
        assertThat(new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo(reference + ": ok: 2 hosts, 3 apps, 2 static mounts, 1 listener, 2 certificates, 3 jobs\n");
        assertThat(ok.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ok.exitValue()).isZero();
        Process bad = new ProcessBuilder(java, "-jar", System.getProperty("container.jar"), "validate", broken.toString())
                .redirectErrorStream(true).start();
        assertThat(new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo(broken + ":1: listners: unknown key; did you mean 'listeners'?\n1 problem\n");
        assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(2);
    }

    /** Whether the process ignores the signal (its SigIgn mask in /proc). */
    private static boolean ignores(long pid, int signal) throws Exception {
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
                return (mask & (1L << (signal - 1))) != 0;
            }
        }
        return false;
    }

    /** Sends a signal with kill(1): Process.destroy() would also close our end of its output. */
    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    /** Waits for the process to exit and for its last output line to be read; returns the exit code. */
    private int awaitExit() throws Exception {
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("container exited").isTrue();
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    /** The sample's request counter: every request so far, including this one. */
    private long requestCount(URI base) throws Exception {
        Matcher m = REQUESTS.matcher(get(base.resolve("/servlet/hello")).body());
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** Polls the counter until the slow requests have all reached the app (no fixed sleeps). */
    private void awaitRequestsStarted(URI base, long before, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int polls = 1; System.nanoTime() < deadline; polls++) {
            long started = requestCount(base) - before - polls;
            if (started >= expected) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the slow requests never all started");
    }
}
