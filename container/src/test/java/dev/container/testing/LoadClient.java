package dev.container.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * scripts/loadclient (Python, on Debian's python3-h2) run against a live server: HTTP/1.1, HTTP/2
 * and WebSocket connections kept busy, each request counted and each way it can end classified
 * (ok, failed by kind, unprocessed by GOAWAY, refused), where h2load would count the connections
 * refused after a stop as errors. {@link #mark} splits the counts at a moment (a signal sent);
 * {@link #stop} returns the summary.
 */
public final class LoadClient implements AutoCloseable {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Writer commands;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final StringBuilder errors = new StringBuilder();

    private LoadClient(List<String> command) throws IOException {
        process = new ProcessBuilder(command).start();
        commands = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread out = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("{\"client output\": \"" + e + "\"}");
            }
            ended.complete(null);
        }, "loadclient-out");
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(() -> {
            try {
                String text = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                synchronized (errors) {
                    errors.append(text);
                }
            } catch (IOException e) {
                // the output thread reports the end
            }
        }, "loadclient-err");
        err.setDaemon(true);
        err.start();
    }

    /** The script, from the scripts.dir system property (set by the pom). */
    public static Path script() {
        return Path.of(System.getProperty("scripts.dir"), "loadclient");
    }

    /** Why the client cannot run here (one line naming the Debian package), or null when it can. */
    public static String missing() {
        try {
            Process check = new ProcessBuilder(PYTHON.toString(), "-c", "import h2").redirectErrorStream(true).start();
            if (check.waitFor(20, TimeUnit.SECONDS) && check.exitValue() == 0) {
                return null;
            }
        } catch (IOException | InterruptedException e) {
            // reported below
        }
        return "/usr/bin/python3 with the h2 module is needed (Debian: python3-h2)";
    }

    /** Starts the client with these targets (see scripts/loadclient), trusting the certificates in caFile. */
    public static LoadClient start(Path caFile, String... targets) throws IOException {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script().toString()));
        if (caFile != null) {
            command.addAll(List.of("--cacert", caFile.toString()));
        }
        for (String target : targets) {
            command.addAll(List.of("--target", target));
        }
        return new LoadClient(command);
    }

    /** From now on the counters are also kept under NAME@mark. */
    public void mark() throws Exception {
        send("mark");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (lines.stream().noneMatch(l -> l.contains("\"marked\""))) {
            assertThat(System.nanoTime()).as("the client took the mark; stderr:\n%s", errors()).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** Lets the requests in flight finish and returns the client's summary. */
    public JsonNode stop() throws Exception {
        send("stop");
        commands.close();
        ended.get(90, TimeUnit.SECONDS);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("loadclient exit status; stderr:\n%s", errors()).isZero();
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        assertThat(last).as("loadclient summary; stderr:\n%s", errors()).startsWith("{");
        return JSON.readTree(last);
    }

    private void send(String command) throws IOException {
        commands.write(command + "\n");
        commands.flush();
    }

    private String errors() {
        synchronized (errors) {
            return errors.toString();
        }
    }

    /** Writes the PEM of each certificate file into one file the client trusts. */
    public static Path trustFile(Path file, Path... certificates) throws IOException {
        StringBuilder pem = new StringBuilder();
        for (Path certificate : certificates) {
            pem.append(Files.readString(certificate));
        }
        return Files.writeString(file, pem);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
