package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.container.config.PlanBuilder;
import dev.container.testing.RawHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log's json format and its size-based rotation with retention, in a running server
 * under real requests: every request is in exactly one file, as one whole JSON line.
 */
class AccessLogRotationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Container start(String accessLog) throws Exception {
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/index.html"), "<h1>hello</h1>\n");
        Path conf = Files.writeString(dir.resolve("container.conf"), "static = [site]\nlogging.access-log " + accessLog + "\n");
        return Container.start(new PlanBuilder().configFile(conf).listen("127.0.0.1:0")
                .stateDir(dir.resolve("state")).shutdownTimeout(Duration.ofSeconds(5)).build());
    }

    /** Sends count requests, /index.html?id=N, from 8 threads at once; each must answer 200. */
    private static void load(URI base, int count) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                URI uri = base.resolve("/index.html?id=" + i);
                answers.add(threads.submit(() -> client.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(200);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private List<Path> logFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("logs"))) {
            return files.sorted().toList();
        }
    }

    @Test
    void under_real_requests_every_request_is_in_exactly_one_file_as_a_whole_json_line() throws Exception {
        int requests = 2000;
        try (Container container = start("{ enabled = true, file = logs/access.log, format = json, max-size = 16KiB }")) {
            load(container.urls().get(0), requests);
        } // closing writes what is queued
        Map<Integer, Integer> seen = new HashMap<>();
        List<Path> files = logFiles();
        assertThat(files).as("rotated by size").hasSizeGreaterThan(5);
        for (Path file : files) {
            assertThat(file.getFileName().toString()).matches("access(\\.\\d{4}-\\d{2}-\\d{2}(-\\d+)?)?\\.log");
            assertThat(Files.size(file)).as("size of %s", file).isLessThanOrEqualTo(16 * 1024);
            String text = Files.readString(file);
            assertThat(text).as("%s ends with a whole line", file).endsWith("\n");
            for (String line : text.split("\n")) {
                JsonNode json = JSON.readTree(line);
                seen.merge(Integer.parseInt(json.get("query").asText().substring("id=".length())), 1, Integer::sum);
            }
        }
        assertThat(seen).hasSize(requests);
        assertThat(seen.values()).allMatch(n -> n == 1);
    }

    @Test
    void max_files_keeps_that_many_renamed_files_and_the_newest_lines() throws Exception {
        try (Container container = start("{ enabled = true, file = logs/access.log, format = json, max-size = 4KiB,"
                + " max-files = 3, rotate = never }")) {
            load(container.urls().get(0), 600);
        }
        List<Path> files = logFiles();
        assertThat(files).hasSize(4); // three renamed, and the current one
        Map<Integer, Integer> seen = new HashMap<>();
        for (Path file : files) {
            for (String line : Files.readAllLines(file)) {
                seen.merge(Integer.parseInt(JSON.readTree(line).get("query").asText().substring(3)), 1, Integer::sum);
            }
        }
        assertThat(seen.values()).allMatch(n -> n == 1);
        // the kept lines are the latest: the oldest id kept is well past the start
        assertThat(seen.keySet().stream().mapToInt(Integer::intValue).min().orElseThrow()).isGreaterThan(300);
    }

    @Test
    void a_json_line_has_every_field_of_the_request_and_response() throws Exception {
        Path log = dir.resolve("logs/access.log");
        int port;
        try (Container container = start("{ enabled = true, file = logs/access.log, format = json }")) {
            port = container.urls().get(0).getPort();
            RawHttp ok = RawHttp.send(port, "GET /index.html?a=1&b=%22x%22 HTTP/1.1\r\nHost: shop.test\r\n"
                    + "User-Agent: probe/1.0 \"quoted\"\r\nReferer: http://ref.test/from\r\nConnection: close\r\n\r\n");
            assertThat(ok.status()).isEqualTo(200);
            RawHttp absolute = RawHttp.send(port, "GET http://shop.test/nope HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n");
            assertThat(absolute.status()).isEqualTo(404);
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).hasSize(2);
        JsonNode ok = lines.stream().filter(l -> l.get("status").asInt() == 200).findFirst().orElseThrow();
        assertThat(fieldNames(ok)).containsExactly("time", "remote_addr", "method", "path", "query", "protocol", "status",
                "bytes_sent", "duration_ms", "user_agent", "referer", "host");
        assertThat(ok.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(ok.get("remote_addr").asText()).isEqualTo("127.0.0.1");
        assertThat(ok.get("method").asText()).isEqualTo("GET");
        assertThat(ok.get("path").asText()).isEqualTo("/index.html");
        assertThat(ok.get("query").asText()).isEqualTo("a=1&b=%22x%22");
        assertThat(ok.get("protocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(ok.get("bytes_sent").asLong()).isEqualTo("<h1>hello</h1>\n".length());
        assertThat(ok.get("duration_ms").isIntegralNumber()).isTrue();
        assertThat(ok.get("duration_ms").asLong()).isNotNegative();
        assertThat(ok.get("user_agent").asText()).isEqualTo("probe/1.0 \"quoted\"");
        assertThat(ok.get("referer").asText()).isEqualTo("http://ref.test/from");
        assertThat(ok.get("host").asText()).isEqualTo("shop.test");
        JsonNode notFound = lines.stream().filter(l -> l.get("status").asInt() == 404).findFirst().orElseThrow();
        assertThat(notFound.get("path").asText()).isEqualTo("/nope");
        assertThat(notFound.get("query").isNull()).isTrue();
        assertThat(notFound.get("user_agent").isNull()).isTrue();
        assertThat(notFound.get("referer").isNull()).isTrue();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
