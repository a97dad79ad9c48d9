package dev.container.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.container.testing.SmallDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The access log's file: whole lines, daily rotation, and a full disk logged once, not per batch. */
class AccessLogFileTest {
    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("container");

    @BeforeEach
    void watch() {
        logger.addAppender(log);
        logger.setLevel(Level.INFO);
        log.start();
    }

    @AfterEach
    void unwatch() {
        logger.detachAppender(log);
        logger.setLevel(null);
    }

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        volatile Instant now;

        TestClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Waits until the writer thread has taken every queued line (closing would stop it). */
    private static void written(Path file, int lines) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((!Files.exists(file) || Files.readAllLines(file).size() < lines) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void at_the_first_write_of_a_new_day_the_file_is_renamed_with_the_date_of_its_day() throws Exception {
        Path file = dir.resolve("access.log");
        var clock = new TestClock(Instant.parse("2026-11-22T23:59:00Z"));
        try (var log = new AccessLogFile(file, true, clock)) {
            log.logMessage("first");
            log.logMessage("second");
            written(file, 2);
            clock.now = Instant.parse("2026-11-23T00:00:01Z");
            log.logMessage("third");
            written(file, 1);
        }
        assertThat(Files.readAllLines(dir.resolve("access.2026-11-22.log"))).containsExactly("first", "second");
        assertThat(Files.readAllLines(file)).containsExactly("third");
    }

    @Test
    void a_file_left_from_an_earlier_day_is_rotated_at_the_start() throws Exception {
        Path file = Files.writeString(dir.resolve("access.log"), "old\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-11-20T12:00:00Z")));
        try (var log = new AccessLogFile(file, true, new TestClock(Instant.parse("2026-11-22T08:00:00Z")))) {
            log.logMessage("new");
            written(file, 1);
        }
        assertThat(Files.readAllLines(dir.resolve("access.2026-11-20.log"))).containsExactly("old");
        assertThat(Files.readAllLines(file)).containsExactly("new");
    }

    @Test
    void full_disk_is_logged_once_keeps_whole_lines_only_and_writing_resumes_when_there_is_room() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), "64k");
             var accessLog = new AccessLogFile(disk.dir().resolve("access.log"), false)) {
            Path file = disk.dir().resolve("access.log");
            disk.fill();
            String line = "127.0.0.1 - - [22/Nov/2026:10:00:00 +0000] \"GET /index.html HTTP/1.1\" 200 15 \"-\" \"curl\"";
            for (int i = 0; i < 5_000; i++) {
                accessLog.logMessage(line + " " + i);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (accessLog.lost() < 5_000 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(accessLog.lost()).isEqualTo(5_000);
            assertThat(log.list).filteredOn(e -> e.getFormattedMessage().contains("access log")).singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).isEqualTo("access log " + file
                            + ": cannot write: No space left on device; its lines are lost until it can (logged again then)"));
            String kept = Files.exists(file) ? Files.readString(file) : "";
            assertThat(kept.isEmpty() || kept.endsWith("\n")).as("whole lines only: %s", kept).isTrue();

            disk.free();
            accessLog.logMessage("after");
            written(file, 1);
            assertThat(Files.readAllLines(file)).last().isEqualTo("after");
            assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                    .contains("access log " + file + ": writing again; 5000 line(s) were lost");
        }
    }
}
