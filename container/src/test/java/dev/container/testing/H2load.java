package dev.container.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nghttp2's h2load (Debian: nghttp2-client) run for a fixed time against a live server: its own
 * count of every request, each answered or not. In duration mode it leaves out the requests still in
 * flight when its time is up (started minus done), so every request it counts ended while the
 * server was serving.
 */
public final class H2load {
    private static final Pattern REQUESTS = Pattern.compile(
            "requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored, (\\d+) timeout");
    private static final Pattern STATUS = Pattern.compile("status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");

    /** h2load's totals. */
    public record Result(String name, long done, long succeeded, long failed, long errored, long timeout,
                         long s2xx, long s3xx, long s4xx, long s5xx, String output) {
        /** Every request counted succeeded with a 2xx, and there were at least {@code atLeast} of them. */
        public Result assertNoFailures(long atLeast) {
            assertThat(done).as("%s: requests done\n%s", name, output).isGreaterThanOrEqualTo(atLeast);
            assertThat(List.of(failed, errored, timeout, s3xx, s4xx, s5xx)).as("%s: failed, errored, timeout, 3xx, 4xx, 5xx\n%s", name, output)
                    .containsOnly(0L);
            assertThat(succeeded).as("%s: succeeded\n%s", name, output).isEqualTo(done);
            assertThat(s2xx).as("%s: 2xx\n%s", name, output).isEqualTo(done);
            return this;
        }

        /** "h1 TLS: 12345 requests, 0 failed" for reports. */
        public String summary() {
            return "%s: %d requests, %d failed (%d errored, %d timeout, %d non-2xx)"
                    .formatted(name, done, failed, errored, timeout, s3xx + s4xx + s5xx);
        }
    }

    private final String name;
    private final Process process;
    private final CompletableFuture<String> output;

    private H2load(String name, List<String> command) throws Exception {
        this.name = name;
        this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
        this.output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Whether h2load is on the PATH. */
    public static boolean installed() {
        try {
            return new ProcessBuilder("h2load", "--version").start().waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Starts h2load for the given seconds with that many connections, each keeping {@code streams}
     * requests in flight (HTTP/2) or sending one after another (HTTP/1.1, {@code http1}), over
     * the URLs in turn.
     */
    public static H2load start(String name, int seconds, int connections, int streams, boolean http1, URI... urls) throws Exception {
        List<String> command = new ArrayList<>(List.of("h2load", "-D", Integer.toString(seconds),
                "-c", Integer.toString(connections), "-m", Integer.toString(streams), "-t", "1"));
        if (http1) {
            command.add("--h1");
        }
        for (URI url : urls) {
            command.add(url.toString());
        }
        return new H2load(name, command);
    }

    public boolean running() {
        return process.isAlive();
    }

    /** Waits for the end of the run and returns h2load's totals. */
    public Result result() throws Exception {
        String said = output.get(120, TimeUnit.SECONDS);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Matcher r = REQUESTS.matcher(said);
        Matcher s = STATUS.matcher(said);
        assertThat(r.find() && s.find()).as("%s: h2load's totals in:\n%s", name, said).isTrue();
        return new Result(name, n(r, 3), n(r, 4), n(r, 5), n(r, 6), n(r, 7), n(s, 1), n(s, 2), n(s, 3), n(s, 4), said);
    }

    private static long n(Matcher m, int group) {
        return Long.parseLong(m.group(group));
    }

    public void kill() {
        process.destroyForcibly();
    }
}
