package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.Samples;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of the machine against the packaged jar in a real process: the process out of file
 * descriptors (its RLIMIT_NOFILE lowered with prlimit while it serves), and a kill -9 in the
 * middle of unpacking a WAR.
 */
class FaultsIT {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:(\\d+)/)");

    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    /** A running container process and what it printed so far. */
    private record Running(Process process, List<String> output, URI base) {
        int port() {
            return base.getPort();
        }
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        for (Process process : processes) {
            process.destroyForcibly();
        }
    }

    private Process launch(List<String> output, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("container.jar")));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(process);
        Thread reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (IOException e) {
                // the process was killed
            }
        }, "container-output");
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    private Running start(String... args) throws Exception {
        List<String> output = new CopyOnWriteArrayList<>();
        Process process = launch(output, args);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            URI url = null;
            for (String line : output) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    url = URI.create(m.group(1));
                }
            }
            if (url != null && output.stream().anyMatch(l -> l.contains("ready in"))) {
                return new Running(process, output, url);
            }
            assertThat(process.isAlive()).as("container exited:\n%s", String.join("\n", output)).isTrue();
            Thread.sleep(50);
        }
        throw new AssertionError("not ready within 60 s:\n" + String.join("\n", output));
    }

    /** An open connection, its request sent later with {@link #ask}. */
    private Socket connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        sockets.add(socket);
        return socket;
    }

    /** Sends one request on a kept-alive connection and returns the status line of the answer ("" if none). */
    private static String ask(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[65536];
        int n = in.read(buffer);
        if (n <= 0) {
            return "";
        }
        String text = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
        // read the rest of a small body so the next request on this connection starts clean
        Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
        int head = text.indexOf("\r\n\r\n");
        if (length.find() && head > 0) {
            int missing = Integer.parseInt(length.group(1)) - (n - head - 4);
            while (missing > 0 && (n = in.read(buffer, 0, Math.min(buffer.length, missing))) > 0) {
                missing -= n;
            }
        }
        return text.substring(0, text.indexOf("\r\n"));
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }

    private static final String POST = "POST /servlet/echo/x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello";

    /** A fresh connection's answer to one request (status line), "" when the server does not answer. */
    private String fresh(int port, String request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            return ask(socket, request);
        } catch (IOException e) {
            return "";
        }
    }

    private static void prlimit(long pid, String nofile) throws Exception {
        Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--nofile=" + nofile).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("prlimit: %s", out).isZero();
    }

    private static long openFiles(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    /** The hard limit of open files of a process, from /proc/PID/limits. */
    private static String hardLimit(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
            if (line.startsWith("Max open files")) {
                return line.trim().split("\\s+")[4];
            }
        }
        throw new AssertionError("no open-files limit in /proc/" + pid + "/limits");
    }

    @Test
    void out_of_file_descriptors_is_logged_once_and_everything_answers_once_they_come_back() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")) && Files.isDirectory(Path.of("/proc/self/fd")),
                "needs Linux's /proc and prlimit (Debian package util-linux)");
        Running server = start("run", "--war", Samples.servletWar().toString(), "--static", Samples.site().toString(),
                "--listen", "127.0.0.1:0", "--state", dir.resolve("state").toString());
        long pid = server.process().pid();
        int port = server.port();
        // kept-alive connections opened before the limit: no request served yet, so nothing of the
        // request path has been used before the descriptors run out
        Socket servlet = connect(port);
        Socket post = connect(port);
        Socket session = connect(port);
        Thread.sleep(500); // accepted
        String hard = hardLimit(pid);
        prlimit(pid, (openFiles(pid) + 5) + ":" + hard);
        for (int i = 0; i < 60; i++) {
            connect(port); // the kernel completes them; the server cannot accept them all
        }
        Thread.sleep(2_000);

        assertThat(ask(servlet, get("/servlet/hello"))).isEqualTo("HTTP/1.1 200 OK");
        assertThat(ask(post, POST)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(ask(session, get("/servlet/session"))).isEqualTo("HTTP/1.1 200 OK");

        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
        prlimit(pid, hard + ":" + hard);
        // XNIO pauses accepting after a failure, up to 30 s: give it that and more
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (!fresh(port, get("/index.html")).equals("HTTP/1.1 200 OK")) {
            assertThat(System.nanoTime()).as("accepting again within 45 s:\n%s", String.join("\n", server.output()))
                    .isLessThan(deadline);
            Thread.sleep(250);
        }
        assertThat(fresh(port, get("/servlet/hello"))).isEqualTo("HTTP/1.1 200 OK");
        assertThat(fresh(port, POST)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(fresh(port, get("/servlet/session"))).isEqualTo("HTTP/1.1 200 OK");

        List<String> output = List.copyOf(server.output());
        assertThat(output).filteredOn(l -> l.contains("cannot accept connections")).singleElement()
                .satisfies(l -> assertThat(l).contains("Too many open files"));
        assertThat(output).noneMatch(l -> l.contains("XNIO008001"));
        assertThat(output).as("no stack traces:\n%s", String.join("\n", output)).noneMatch(l -> l.startsWith("\tat "));
    }

    /** A WAR of count entries of size random bytes each (not compressed, so unpacking takes a while). */
    private static Path bigWar(Path file, int count, int size) throws IOException {
        Random random = new Random(42);
        byte[] content = new byte[size];
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.setLevel(Deflater.NO_COMPRESSION);
            zip.putNextEntry(new ZipEntry("WEB-INF/web.xml"));
            zip.write("<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\"/>".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < count; i++) {
                random.nextBytes(content);
                zip.putNextEntry(new ZipEntry("data/" + i + ".bin"));
                zip.write(content);
            }
            zip.putNextEntry(new ZipEntry("last.txt"));
            zip.write("the last entry".getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void kill_9_in_the_middle_of_a_war_unpack_and_the_next_start_unpacks_it_whole() throws Exception {
        Path war = bigWar(dir.resolve("big.war"), 600, 128 * 1024);
        Path state = dir.resolve("state");
        Path apps = state.resolve("apps");
        List<String> output = new CopyOnWriteArrayList<>();
        Process first = launch(output, "run", "--war", war.toString(), "--listen", "127.0.0.1:0", "--state", state.toString());
        // kill it once the unpack is under way: some entries out, the app not yet in place
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Path partial = null;
        while (partial == null) {
            assertThat(System.nanoTime()).as("no unpack seen:\n%s", String.join("\n", output)).isLessThan(deadline);
            if (Files.isDirectory(apps)) {
                for (Path entry : list(apps)) {
                    Path data = entry.resolve("data");
                    if (entry.getFileName().toString().startsWith("big.unpacking-") && Files.isDirectory(data)
                            && list(data).size() >= 20) {
                        partial = entry;
                    }
                }
            }
            Thread.sleep(2);
        }
        first.destroyForcibly(); // SIGKILL
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(apps.resolve("big")).as("killed mid-unpack: no app directory").doesNotExist();
        assertThat(list(partial.resolve("data"))).as("killed mid-unpack: part of the entries").hasSizeLessThan(600);

        Running second = start("run", "--war", war.toString(), "--listen", "127.0.0.1:0", "--state", state.toString());

        assertThat(fresh(second.port(), get("/big/last.txt"))).isEqualTo("HTTP/1.1 200 OK");
        assertThat(list(apps)).containsExactly(apps.resolve("big"));
        assertThat(list(apps.resolve("big/data"))).hasSize(600);
        assertThat(sha256(apps.resolve("big/data/599.bin"))).isEqualTo(sha256Of(599, 128 * 1024));
        String removed = "removing " + partial + ", left by an unpack that did not finish";
        assertThat(second.output()).anyMatch(l -> l.contains(removed));
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** The digest of the index-th entry bigWar wrote. */
    private static String sha256Of(int index, int size) throws Exception {
        Random random = new Random(42);
        byte[] content = new byte[size];
        for (int i = 0; i <= index; i++) {
            random.nextBytes(content);
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
