package dev.container.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged jar ({@code container.jar}, set by Failsafe) run as a user runs it: its output is
 * collected line by line, {@link #start} returns once it logs that it is ready, signals go through
 * kill(1). Close kills it if it is still running.
 */
public final class ContainerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on ((https?)://127\\.0\\.0\\.1:(\\d+)/)");

    private final Process process;
    private final Thread reader;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final List<URI> urls = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    private ContainerProcess(List<String> jvmOptions, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", System.getProperty("container.jar")));
        command.addAll(args);
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        reader = new Thread(this::read, "container-output");
        reader.setDaemon(true);
    }

    private void read() {
        try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                output.add(line);
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    urls.add(URI.create(m.group(1)));
                }
                if (line.contains("ready in")) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new AssertionError("container exited before ready:\n" + String.join("\n", output)));
    }

    /** Starts {@code java -jar container.jar args} and waits (up to a minute) until it is ready. */
    public static ContainerProcess start(String... args) throws Exception {
        return startWith(List.of(), args);
    }

    /** As {@link #start}, with options for the JVM before {@code -jar}. */
    public static ContainerProcess startWith(List<String> jvmOptions, String... args) throws Exception {
        ContainerProcess container = new ContainerProcess(jvmOptions, List.of(args));
        container.reader.start();
        try {
            container.ready.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            container.close();
            throw e;
        }
        return container;
    }

    /** A command's exit status and output (stdout and stderr). */
    public record Result(int status, String output) {
    }

    /** Runs {@code java -jar container.jar args} to its end (within a minute), as a user runs a command. */
    public static Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("container.jar")));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s exits", args[0]).isTrue();
        return new Result(process.exitValue(), output);
    }

    /** The URL of the first listener of that scheme ("http" or "https"). */
    public URI url(String scheme) {
        return urls.stream().filter(u -> u.getScheme().equals(scheme)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + scheme + " listener in:\n" + log()));
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Sends a signal by name ("TERM", "HUP") with kill(1). */
    public void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    /** The lines logged so far. */
    public List<String> output() {
        return List.copyOf(output);
    }

    public String log() {
        return String.join("\n", output);
    }

    /** How many lines so far contain text. */
    public long count(String text) {
        return output.stream().filter(l -> l.contains(text)).count();
    }

    /** Waits (up to 30 s) until more than {@code before} lines contain text; returns the newest such line. */
    public String awaitLine(String text, long before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count(text) <= before) {
            assertThat(System.nanoTime()).as("waiting for '%s' in the output:\n%s", text, log()).isLessThan(deadline);
            Thread.sleep(20);
        }
        List<String> lines = output.stream().filter(l -> l.contains(text)).toList();
        return lines.get(lines.size() - 1);
    }

    /** Waits (up to 60 s) for the process to exit and its output to be read; returns the exit code. */
    public int awaitExit() throws Exception {
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("container exited").isTrue();
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
