package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.container.testing.WarBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar with {@code logging.format = json} (or {@code --log-format json}): every line it
 * writes on stderr, from the start to the exit, is one JSON object with the fields a log shipper
 * reads; stdout and stderr are read apart, so nothing else hides among them.
 */
class LogFormatIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+/)");

    @TempDir
    Path dir;
    private Process process;
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private Thread errReader;
    private Thread outReader;

    @AfterEach
    void killLeftover() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private void start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("container.jar")));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).start();
        errReader = reader(process.getErrorStream(), stderr);
        outReader = reader(process.getInputStream(), stdout);
    }

    private static Thread reader(InputStream stream, List<String> into) {
        Thread t = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    into.add(line);
                }
            } catch (IOException e) {
                into.add("(read failed: " + e + ")");
            }
        }, "container-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits (up to a minute) until a line on stderr has text in its message; returns that object. */
    private JsonNode await(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (String line : stderr) {
                if (line.contains(text)) {
                    return JSON.readTree(line);
                }
            }
            assertThat(process.isAlive() || stderr.stream().anyMatch(l -> l.contains(text)))
                    .as("container exited before '%s':\n%s", text, String.join("\n", stderr)).isTrue();
            Thread.sleep(20);
        }
        throw new AssertionError("no '" + text + "' on stderr:\n" + String.join("\n", stderr));
    }

    private int awaitExit() throws Exception {
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("container exited").isTrue();
        errReader.join(10_000);
        outReader.join(10_000);
        return process.exitValue();
    }

    /** Every line is a JSON object with the log's fields; returns them. */
    private List<JsonNode> everyLineIsJson() throws Exception {
        assertThat(stderr).isNotEmpty();
        List<JsonNode> events = new ArrayList<>();
        for (String line : stderr) {
            JsonNode json;
            try {
                json = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + line + "\nall of stderr:\n" + String.join("\n", stderr), e);
            }
            assertThat(json.isObject()).as(line).isTrue();
            assertThat(json.get("timestamp").asText()).as(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(json.get("level").asText()).as(line).isIn("ERROR", "WARN", "INFO", "DEBUG", "TRACE");
            assertThat(json.get("logger").asText()).as(line).isNotEmpty();
            assertThat(json.get("thread").asText()).as(line).isNotEmpty();
            assertThat(json.get("message").isTextual()).as(line).isTrue();
            events.add(json);
        }
        return events;
    }

    private Path app() throws IOException {
        return new WarBuilder()
                .java("logs.Fail", """
                        package logs;
                        @jakarta.servlet.annotation.WebServlet("/fail")
                        public class Fail extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                getServletContext().log("order \\"42\\" failed\\nsecond line",
                                        new IllegalStateException("stock\\tempty", new java.io.IOException("disk")));
                                resp.getWriter().print("logged");
                            }
                        }
                        """)
                .buildWar(dir.resolve("logs.war"));
    }

    @Test
    void with_logging_format_json_every_stderr_line_from_start_to_exit_is_a_json_object() throws Exception {
        Path conf = dir.resolve("container.conf");
        Files.writeString(conf, """
                listeners = ["127.0.0.1:0"]
                apps = [{ war = logs.war, path = /logs }]
                logging { format = json, access-log { enabled = true, file = logs/access.log, format = json } }
                """);
        app();
        start("run", "--config", conf.toString(), "--state", dir.resolve("state").toString());
        JsonNode ready = await("ready in");
        assertThat(ready.get("level").asText()).isEqualTo("INFO");
        assertThat(ready.get("logger").asText()).isEqualTo("container");
        assertThat(ready.get("thread").asText()).isEqualTo("main");
        Matcher listening = stderr.stream().map(LISTENING::matcher).filter(Matcher::find).findFirst().orElseThrow();
        URI base = URI.create(listening.group(1));

        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/logs/fail")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.body()).isEqualTo("logged");
        JsonNode logged = await("failed\\nsecond line");
        assertThat(logged.get("message").asText()).endsWith("order \"42\" failed\nsecond line");
        assertThat(logged.get("exception").asText()).startsWith("java.lang.IllegalStateException: stock\tempty")
                .contains("logs.Fail.doGet(Fail.java:").contains("Caused by: java.io.IOException: disk");

        // a reload that changes the format keeps the running one and says so, in JSON
        Files.writeString(conf, Files.readString(conf).replace("format = json, access", "format = text, access"));
        signal("HUP");
        JsonNode reload = await("logging.format changed");
        assertThat(reload.get("level").asText()).isEqualTo("WARN");
        assertThat(reload.get("message").asText()).isEqualTo("reload: logging.format changed; that takes effect at the next start");
        await("reloaded in");

        signal("TERM");
        assertThat(awaitExit()).isZero();
        List<JsonNode> events = everyLineIsJson();
        assertThat(events).anyMatch(e -> e.get("message").asText().startsWith("stopped in"));
        assertThat(stdout).isEmpty();
        JsonNode access = JSON.readTree(Files.readAllLines(dir.resolve("logs/access.log")).get(0));
        assertThat(access.get("path").asText()).isEqualTo("/logs/fail");
        assertThat(access.get("status").asInt()).isEqualTo(200);
    }

    @Test
    void the_log_format_flag_makes_the_log_json_down_to_a_failed_start() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            start("run", "--log-format", "json", "--war", app().toString(), "--listen", "127.0.0.1:" + taken.getLocalPort(),
                    "--state", dir.resolve("state").toString());
            assertThat(awaitExit()).isEqualTo(2);
        }
        List<JsonNode> events = everyLineIsJson();
        assertThat(events).anyMatch(e -> e.get("level").asText().equals("ERROR")
                && e.get("message").asText().contains("127.0.0.1:") && e.get("message").asText().contains("Address already in use"));
        assertThat(stdout).isEmpty();
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }
}
