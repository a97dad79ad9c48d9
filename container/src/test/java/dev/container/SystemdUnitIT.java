package dev.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.container.testing.Samples;
import dev.container.testing.SystemdUnit;
import dev.container.testing.WarBuilder;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * conf/container.service's commands run as systemd would run them, on the packaged jar (this
 * machine has no running systemd): ExecStart serves, ExecReload reloads, SIGTERM (what systemctl
 * stop sends) lets a running request finish and exits 0 well within TimeoutStopSec. And the unit's
 * SystemCallFilter admits every system call the JVM makes serving the demo's five apps over HTTP/1.1
 * and HTTP/2 with TLS, JSP, jobs that run commands, a reload and a stop (traced with strace).
 */
class SystemdUnitIT {
    private static final Pattern LISTENING = Pattern.compile("listening on ((https?)://127\\.0\\.0\\.1:\\d+/)");

    @TempDir
    Path dir;
    private Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final List<URI> urls = new CopyOnWriteArrayList<>();
    private Thread reader;

    @AfterEach
    void killLeftover() {
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private void start(List<String> command, Path workingDir, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        process = builder.start();
        var ready = new CompletableFuture<Void>();
        reader = new Thread(() -> {
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
            ready.completeExceptionally(new AssertionError("exited before ready:\n" + String.join("\n", output)));
        }, "container-output");
        reader.setDaemon(true);
        reader.start();
        ready.get(180, TimeUnit.SECONDS);
    }

    private URI url(String scheme) {
        return urls.stream().filter(u -> u.getScheme().equals(scheme)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + scheme + " listener in:\n" + String.join("\n", output)));
    }

    private void awaitLine(String text, long before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (output.stream().filter(l -> l.contains(text)).count() <= before) {
            assertThat(System.nanoTime()).as("waiting for '%s':\n%s", text, String.join("\n", output)).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void runToEnd(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        assertThat(p.exitValue()).as("%s: %s", command, out).isZero();
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** The unit's ExecStart with this machine's java, the test jar, a config and a state directory of the test's. */
    private static List<String> execStart(SystemdUnit unit, Path conf, Path state) {
        Map<String, String> replaced = Map.of(
                "/usr/bin/java", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "/opt/container/container.jar", System.getProperty("container.jar"),
                "/etc/container/container.conf", conf.toString(),
                "/var/lib/container", state.toString());
        List<String> words = unit.command("Service.ExecStart", Map.of()); // JAVA_OPTS unset: no word
        assertThat(words).containsAll(replaced.keySet());
        return words.stream().map(w -> replaced.getOrDefault(w, w)).toList();
    }

    @Test
    void exec_start_serves_exec_reload_reloads_and_sigterm_finishes_a_running_request_then_exits_0() throws Exception {
        SystemdUnit unit = SystemdUnit.read(SystemdUnitTest.unitFile());
        Path state = Files.createDirectories(dir.resolve("state")); // systemd makes StateDirectory
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/index.html"), "site\n");
        Files.createDirectories(dir.resolve("more"));
        Files.writeString(dir.resolve("more/index.html"), "more\n");
        new WarBuilder().java("slow.Slow", """
                package slow;
                @jakarta.servlet.annotation.WebServlet("/slow")
                public class Slow extends jakarta.servlet.http.HttpServlet {
                    protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                         jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                        try {
                            Thread.sleep(2000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        resp.getWriter().print("slow done");
                    }
                }
                """).buildWar(dir.resolve("slow.war"));
        Path conf = dir.resolve("container.conf");
        String config = "listeners = [\"127.0.0.1:0\"]\napps = [slow.war]\nstatic = [site]\n";
        Files.writeString(conf, config);

        start(execStart(unit, conf, state), Path.of(unit.value("Service.WorkingDirectory").replace("/var/lib/container",
                state.toString())), Map.of());
        HttpClient client = HttpClient.newHttpClient();
        URI base = url("http");
        assertThat(client.send(HttpRequest.newBuilder(base).build(), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("site\n");

        Files.writeString(conf, config + "static += { dir = more, prefix = /more }\n");
        runToEnd(unit.command("Service.ExecReload", Map.of("MAINPID", Long.toString(process.pid()))));
        awaitLine("reloaded in", 0);
        assertThat(client.send(HttpRequest.newBuilder(base.resolve("/more/")).build(), HttpResponse.BodyHandlers.ofString())
                .body()).isEqualTo("more\n");

        var slow = client.sendAsync(HttpRequest.newBuilder(base.resolve("/slow/slow")).build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(500); // the request is in the app
        long stopping = System.nanoTime();
        runToEnd(List.of("kill", "-TERM", Long.toString(process.pid()))); // systemctl stop: KillSignal, SIGTERM by default
        assertThat(slow.get(30, TimeUnit.SECONDS).body()).isEqualTo("slow done");
        long timeout = SystemdUnit.seconds(unit.value("Service.TimeoutStopSec"));
        assertThat(process.waitFor(timeout, TimeUnit.SECONDS)).as("stopped within TimeoutStopSec=%ss", timeout).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stopping)).isLessThan(timeout);
    }

    /** The system calls named by the unit's SystemCallFilter groups and names, as this systemd defines them. */
    private static Set<String> allowed(SystemdUnit unit) throws Exception {
        Set<String> calls = new TreeSet<>();
        for (String entry : unit.value("Service.SystemCallFilter").split("\\s+")) {
            expand(entry, calls, new TreeSet<>());
        }
        return calls;
    }

    private static void expand(String entry, Set<String> calls, Set<String> seen) throws Exception {
        if (!entry.startsWith("@")) {
            calls.add(entry);
            return;
        }
        if (!seen.add(entry)) {
            return;
        }
        Process p = new ProcessBuilder("systemd-analyze", "syscall-filter", entry).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> lines = out.lines().map(String::strip).toList();
        for (String line : lines.subList(1, lines.size())) { // the first line is the group's name
            if (!line.isEmpty() && !line.startsWith("#")) {
                expand(line, calls, seen);
            }
        }
    }

    @Test
    void the_units_system_call_filter_admits_every_call_the_jvm_makes_serving_the_demo() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze not found: install Debian's systemd package");
        assumeTrue(onPath("strace"), "strace not found: install Debian's strace package");
        SystemdUnit unit = SystemdUnit.read(SystemdUnitTest.unitFile());
        Set<String> allowed = allowed(unit);
        assertThat(allowed).contains("read", "futex", "epoll_wait").doesNotContain("reboot", "kexec_load", "init_module");
        Path state = dir.resolve("state");
        Path summary = dir.resolve("strace.txt");
        List<String> command = new ArrayList<>(List.of("strace", "-f", "-c", "-o", summary.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+ExitOnOutOfMemoryError",
                "-jar", System.getProperty("container.jar"), "run", "--config",
                Path.of(System.getProperty("conf.dir"), "demo.conf").toString(),
                "--listen", "127.0.0.1:0", "--https", "127.0.0.1:0", "--dev"));
        start(command, dir, Map.of("CONTAINER_STATE", state.toString()));
        Samples.servletWar(); // the demo's WARs are built (it names them under samples/*/target)
        URI http = url("http");
        HttpClient client = HttpClient.newHttpClient();
        for (String path : List.of("/servlet/hello", "/servlet/greeting.jsp", "/jaxrs/api/greeting", "/spring/hello?name=x",
                "/boot/api/status", "/faces/", "/")) {
            assertThat(client.send(HttpRequest.newBuilder(http.resolve(path)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).as(path).isEqualTo(200);
        }
        Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "20", "--http2", "--cacert",
                state.resolve("tls/local/ca.crt").toString(), "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                url("https").resolve("/servlet/hello").toString()).redirectErrorStream(true).start();
        assertThat(new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("2 200");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(state.resolve("generated/index.html"))) { // the clock job has run its command
            assertThat(System.nanoTime()).as("the clock job's page").isLessThan(deadline);
            Thread.sleep(100);
        }
        runToEnd(List.of("kill", "-HUP", Long.toString(javaPid())));
        awaitLine("reloaded in", 0);
        runToEnd(List.of("kill", "-TERM", Long.toString(javaPid())));
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join("\n", output)).isZero();

        Set<String> used = new TreeSet<>();
        for (String line : Files.readAllLines(summary)) {
            String[] words = line.strip().split("\\s+");
            String name = words[words.length - 1];
            if (words.length >= 4 && words[0].matches("[0-9.]+") && name.matches("[a-z_0-9]+") && !name.equals("total")) {
                used.add(name);
            }
        }
        assertThat(used).as("system calls traced").contains("read", "write", "futex", "accept", "execve");
        assertThat(used).as("calls the unit's SystemCallFilter would refuse").isSubsetOf(allowed);
    }

    /** The JVM under strace (strace's only child). */
    private long javaPid() {
        return process.children().findFirst().orElseThrow().pid();
    }
}
