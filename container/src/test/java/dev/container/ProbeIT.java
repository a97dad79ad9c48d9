package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.probe.Endpoint;
import dev.container.probe.Outcome;
import dev.container.probe.Runner;
import dev.container.probe.Target;
import dev.container.testing.Samples;
import dev.container.tls.TestCerts;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole hostile-request suite (the probe module, as {@code scripts/probe} runs it) against the
 * packaged jar in a real process, on a plain listener that also speaks h2c and on a TLS one: every
 * probe must pass, and the server must stay healthy after each, without a stack trace in its log.
 */
class ProbeIT {
    private static final Pattern LISTENING = Pattern.compile("listening on (https?://127\\.0\\.0\\.1:(\\d+)/)");
    /** Short, so the slow-client probes (which wait out the timeouts) stay short. */
    private static final int TIMEOUT_SECONDS = 5;

    @TempDir
    Path dir;
    private Process process;
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void every_probe_passes_against_the_packaged_jar() throws Exception {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<h1>probe</h1>\n");
        Files.writeString(dir.resolve("secret.txt"), "PROBE-SECRET\n"); // just outside the static root
        var cert = TestCerts.write(dir, "localhost", "EC", "localhost");
        Path conf = dir.resolve("probe.conf");
        Files.writeString(conf, """
                listeners = [
                  { host = 127.0.0.1, port = 0, h2c = true }
                  { host = 127.0.0.1, port = 0, tls = true }
                ]
                certificates = [{ cert = "%s", key = "%s" }]
                apps = [{ war = "%s" }]
                static = [{ dir = "%s" }]
                state-dir = "%s"
                limits { request-timeout = %ds, body-timeout = %ds, write-timeout = %ds }
                """.formatted(cert.cert(), cert.key(), Samples.servletWar(), site, dir.resolve("state"), TIMEOUT_SECONDS, TIMEOUT_SECONDS,
                TIMEOUT_SECONDS));
        List<URI> urls = start("run", "--config", conf.toString());
        URI http = urls.stream().filter(u -> u.getScheme().equals("http")).findFirst().orElseThrow();
        URI https = urls.stream().filter(u -> u.getScheme().equals("https")).findFirst().orElseThrow();

        Target target = new Target(Optional.of(Endpoint.of(http)), Optional.of(Endpoint.of(https)),
                Optional.of(Endpoint.of(http)), TestCerts.trusting(cert.certificate()), "localhost", "/index.html",
                "/servlet/body", Optional.of("/servlet"), Optional.of("secret.txt"), "PROBE-SECRET",
                Duration.ofSeconds(TIMEOUT_SECONDS), Duration.ofSeconds(TIMEOUT_SECONDS), Duration.ofSeconds(TIMEOUT_SECONDS));
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        List<Outcome> outcomes;
        try (PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8)) {
            outcomes = new Runner(target, new PrintStream(new Tee(out, System.out), true, StandardCharsets.UTF_8), false)
                    .run(Runner.suite());
        }
        String text = report.toString(StandardCharsets.UTF_8);
        assertThat(outcomes).as("probes run").hasSizeGreaterThan(80);
        assertThat(text.lines().filter(l -> l.startsWith("FAIL"))).as(text).isEmpty();
        List<String> skipped = outcomes.stream().filter(o -> o.verdict() == Outcome.Verdict.SKIP).map(Outcome::detail).toList();
        // a probe skips only for a program that is not installed (then it is named at the end of the run)
        assertThat(skipped).as("nothing skipped but for a missing program: " + text).allMatch(d -> d.contains(" is not installed"));
        assertThat(process.isAlive()).isTrue();
        assertThat(log).as("no stack trace in the server's log").noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception in"));
        if (!skipped.isEmpty()) {
            throw new org.opentest4j.TestAbortedException("every other probe passed; skipped: " + String.join("; ", new java.util.TreeSet<>(skipped)));
        }
    }

    /** Starts the jar and returns the URLs it listens on once it logs that it is ready. */
    private List<URI> start(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("container.jar")));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var ready = new CompletableFuture<List<URI>>();
        Thread reader = new Thread(() -> {
            List<URI> urls = new ArrayList<>();
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    log.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        urls.add(URI.create(m.group(1)));
                    }
                    if (line.contains("ready in")) {
                        ready.complete(List.copyOf(urls));
                    }
                }
            } catch (java.io.IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new AssertionError("container exited before ready:\n" + String.join("\n", log)));
        }, "container-output");
        reader.setDaemon(true);
        reader.start();
        return ready.get(60, TimeUnit.SECONDS);
    }

    /** Writes to two streams: the report the test reads, and the build's output for a person. */
    private static final class Tee extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        Tee(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
