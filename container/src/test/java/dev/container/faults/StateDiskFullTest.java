package dev.container.faults;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.container.testing.Samples;
import dev.container.testing.SmallDisk;
import dev.container.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The state directory's disk full while serving (JSP pages compile there, uploads are buffered
 * there): what needs the disk fails with 500 and is logged once, not once per request, the
 * rest is served, and all of it works again once there is room.
 */
class StateDiskFullTest {
    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void watch() {
        root.addAppender(log);
        log.start();
    }

    @AfterEach
    void unwatch() {
        root.detachAppender(log);
    }

    private List<ILoggingEvent> problems() {
        return List.copyOf(log.list).stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
    }

    private static HttpResponse<String> upload(TestServer server) {
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n" + "x".repeat(10_000) + "\r\n--" + boundary + "--\r\n";
        return server.send(HttpRequest.newBuilder(server.uri("/servlet/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    @Test
    void full_state_disk_fails_what_needs_it_with_one_line_each_and_all_works_again_with_room() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("state"), "48m");
             TestServer server = TestServer.start(disk.dir(), p -> p.war(Samples.servletWar().toString())
                     .staticDir(Samples.site().toString(), false))) {
            disk.fill();
            log.list.clear();
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 10; i++) {
                    assertThat(server.get("/servlet/greeting.jsp").statusCode()).isEqualTo(500);
                    assertThat(upload(server).statusCode()).isEqualTo(500);
                    assertThat(server.get("/servlet/hello").statusCode()).isEqualTo(200);
                    assertThat(server.get("/").statusCode()).isEqualTo(200);
                }
                if (round == 0) {
                    // one line per kind of failure: the upload's, the page's compile, and Jasper's missing
                    // class for the page it then thinks compiled (it tries again 4 s later)
                    assertThat(problems()).hasSizeBetween(2, 3).allSatisfy(e -> {
                        assertThat(e.getLoggerName()).isEqualTo("container");
                        assertThat(e.getThrowableProxy()).isNull();
                    });
                    assertThat(problems()).anyMatch(e -> e.getFormattedMessage().startsWith(
                            "app /servlet: POST /servlet/upload failed: java.io.IOException: No space left on device"));
                }
            }
            // ten more of each failed request: not one more line
            assertThat(problems()).hasSizeBetween(2, 3);

            disk.free();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            HttpResponse<String> page = server.get("/servlet/greeting.jsp");
            while (page.statusCode() != 200 && System.nanoTime() < deadline) {
                Thread.sleep(250); // Jasper tries a page that failed to compile again after 4 s
                page = server.get("/servlet/greeting.jsp");
            }
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(upload(server).statusCode()).isEqualTo(200);
        }
    }
}
