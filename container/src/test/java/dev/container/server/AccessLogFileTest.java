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

    /** Lines of exactly 30 bytes with the newline: "line 0000 " padded. */
    private static String line(int i) {
        return ("line " + String.format("%04d", i) + " ").repeat(3).substring(0, 29);
    }

    /** Every access log file in dir by name (current and renamed), with its lines. */
    private java.util.Map<String, List<String>> files() throws Exception {
        var files = new java.util.TreeMap<String, List<String>>();
        try (var list = Files.list(dir)) {
            for (Path p : list.filter(Files::isRegularFile).toList()) {
                files.put(p.getFileName().toString(), Files.readAllLines(p));
            }
        }
        return files;
    }

    /** Waits until the writer has taken all queued lines: all of them on disk in some file. */
    private void writtenAll(int lines) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (files().values().stream().mapToInt(List::size).sum() < lines && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void by_size_the_file_is_renamed_before_a_line_would_take_it_beyond_max_size_with_numbers_in_order() throws Exception {
        Path file = dir.resolve("access.log");
        var clock = new TestClock(Instant.parse("2026-11-22T10:00:00Z"));
        try (var log = new AccessLogFile(file, false, java.util.OptionalLong.of(100), java.util.OptionalInt.empty(), clock)) {
            for (int i = 0; i < 10; i++) {
                log.logMessage(line(i)); // 30 bytes a line: 3 fit in 100
            }
            writtenAll(10);
        }
        assertThat(files()).containsOnlyKeys("access.2026-11-22.log", "access.2026-11-22-1.log", "access.2026-11-22-2.log",
                "access.log");
        assertThat(files().get("access.2026-11-22.log")).containsExactly(line(0), line(1), line(2));
        assertThat(files().get("access.2026-11-22-1.log")).containsExactly(line(3), line(4), line(5));
        assertThat(files().get("access.2026-11-22-2.log")).containsExactly(line(6), line(7), line(8));
        assertThat(files().get("access.log")).containsExactly(line(9));
    }

    @Test
    void a_line_longer_than_max_size_gets_a_file_of_its_own_and_is_not_split() throws Exception {
        Path file = dir.resolve("access.log");
        String longLine = "x".repeat(250);
        try (var log = new AccessLogFile(file, false, java.util.OptionalLong.of(100), java.util.OptionalInt.empty(),
                new TestClock(Instant.parse("2026-11-22T10:00:00Z")))) {
            log.logMessage(line(0));
            log.logMessage(longLine);
            log.logMessage(line(1));
            writtenAll(3);
        }
        assertThat(files()).containsExactly(
                java.util.Map.entry("access.2026-11-22-1.log", List.of(longLine)),
                java.util.Map.entry("access.2026-11-22.log", List.of(line(0))),
                java.util.Map.entry("access.log", List.of(line(1))));
    }

    @Test
    void max_files_keeps_the_newest_renamed_files_and_numbers_go_on_rising_after_the_oldest_are_deleted() throws Exception {
        Path file = dir.resolve("access.log");
        Files.writeString(dir.resolve("access.log.bak"), "mine\n");
        Files.writeString(dir.resolve("other.2026-11-20.log"), "mine\n");
        Files.writeString(dir.resolve("access.2026-13-45.log"), "mine\n");
        try (var log = new AccessLogFile(file, false, java.util.OptionalLong.of(60), java.util.OptionalInt.of(2),
                new TestClock(Instant.parse("2026-11-22T10:00:00Z")))) {
            for (int i = 0; i < 12; i++) {
                log.logMessage(line(i)); // 2 lines a file: 5 renamed, the current one holds the last 2
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(dir.resolve("access.2026-11-22-4.log")) || Files.readAllLines(file).size() < 2) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(10);
            }
        }
        assertThat(files()).containsOnlyKeys("access.log.bak", "other.2026-11-20.log", "access.2026-13-45.log",
                "access.2026-11-22-3.log", "access.2026-11-22-4.log", "access.log");
        assertThat(files().get("access.2026-11-22-3.log")).containsExactly(line(6), line(7));
        assertThat(files().get("access.2026-11-22-4.log")).containsExactly(line(8), line(9));
        assertThat(files().get("access.log")).containsExactly(line(10), line(11));
    }

    @Test
    void daily_and_size_rotation_combine_the_days_last_file_taking_the_next_number_at_midnight() throws Exception {
        Path file = dir.resolve("access.log");
        var clock = new TestClock(Instant.parse("2026-11-22T23:00:00Z"));
        try (var log = new AccessLogFile(file, true, java.util.OptionalLong.of(60), java.util.OptionalInt.empty(), clock)) {
            for (int i = 0; i < 5; i++) {
                log.logMessage(line(i));
            }
            writtenAll(5);
            clock.now = Instant.parse("2026-11-23T00:00:01Z");
            for (int i = 5; i < 8; i++) {
                log.logMessage(line(i));
            }
            writtenAll(8);
        }
        assertThat(files()).containsExactly(
                java.util.Map.entry("access.2026-11-22-1.log", List.of(line(2), line(3))),
                java.util.Map.entry("access.2026-11-22-2.log", List.of(line(4))),
                java.util.Map.entry("access.2026-11-22.log", List.of(line(0), line(1))),
                java.util.Map.entry("access.2026-11-23.log", List.of(line(5), line(6))),
                java.util.Map.entry("access.log", List.of(line(7))));
    }

    @Test
    void at_start_renamed_files_beyond_max_files_are_deleted_oldest_first_by_date_and_number() throws Exception {
        for (String name : List.of("access.2026-11-20.log", "access.2026-11-20-1.log", "access.2026-11-20-10.log",
                "access.2026-11-20-2.log", "access.2026-11-21.log")) {
            Files.writeString(dir.resolve(name), name + "\n");
        }
        Path file = dir.resolve("access.log");
        try (var log = new AccessLogFile(file, false, java.util.OptionalLong.empty(), java.util.OptionalInt.of(2),
                new TestClock(Instant.parse("2026-11-22T10:00:00Z")))) {
            log.logMessage("new");
            written(file, 1);
        }
        assertThat(files()).containsOnlyKeys("access.2026-11-20-10.log", "access.2026-11-21.log", "access.log");
    }

    /** Runs a command that must succeed, or skips the test saying why (mount needs root). */
    private static void runOrSkip(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        boolean done = p.waitFor(30, TimeUnit.SECONDS);
        org.junit.jupiter.api.Assumptions.assumeTrue(done && p.exitValue() == 0,
                "cannot " + String.join(" ", command) + " (needs root): " + out);
    }

    @Test
    void a_file_that_cannot_be_renamed_goes_on_taking_the_lines_and_that_is_logged_once() throws Exception {
        Path file = Files.createFile(dir.resolve("access.log"));
        // a mount point cannot be renamed (EBUSY), but is written through as ever
        runOrSkip("mount", "--bind", file.toString(), file.toString());
        boolean mounted = true;
        try (var accessLog = new AccessLogFile(file, false, java.util.OptionalLong.of(60), java.util.OptionalInt.empty(),
                new TestClock(Instant.parse("2026-11-22T10:00:00Z")))) {
            for (int i = 0; i < 6; i++) {
                accessLog.logMessage(line(i));
            }
            written(file, 6);
            accessLog.logMessage(line(6));
            written(file, 7);
            assertThat(Files.readAllLines(file)).hasSize(7);
            assertThat(log.list).filteredOn(e -> e.getFormattedMessage().contains("cannot rename")).singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).startsWith("access log " + file
                            + ": cannot rename it for rotation: "));

            // lazily: the log holds the file open, which a plain umount refuses (target is busy)
            Process umount = new ProcessBuilder("umount", "--lazy", file.toString()).redirectErrorStream(true).start();
            assertThat(umount.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(umount.exitValue()).as(new String(umount.getInputStream().readAllBytes())).isZero();
            mounted = false;
            accessLog.logMessage(line(7));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(file) || Files.readAllLines(file).size() != 1) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(10);
            }
            assertThat(accessLog.lost()).isZero();
        } finally {
            if (mounted) {
                new ProcessBuilder("umount", "--lazy", file.toString()).start().waitFor(30, TimeUnit.SECONDS);
            }
        }
        assertThat(files().get("access.2026-11-22.log")).containsExactly(line(0), line(1), line(2), line(3), line(4),
                line(5), line(6));
        assertThat(files().get("access.log")).containsExactly(line(7));
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("access log " + file + ": renaming it works again");
    }
}
