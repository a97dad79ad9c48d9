package dev.container.admin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The ring of the last warnings and errors that the dashboard shows. */
class RecentLogTest {
    private static LoggingEvent event(Level level, String message, Throwable thrown) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        return new LoggingEvent("test", context.getLogger("dev.container.jobs.Jobs"), level, message, thrown, null);
    }

    @Test
    void keeps_warnings_and_errors_only_with_the_exceptions_first_line() {
        RecentLog ring = new RecentLog(10);
        ring.start();
        ring.doAppend(event(Level.INFO, "routine", null));
        ring.doAppend(event(Level.WARN, "job clock: timed out", null));
        ring.doAppend(event(Level.ERROR, "job tick failed", new IOException("disk full\nsecond line")));
        assertThat(ring.entries()).extracting(RecentLog.Entry::level, RecentLog.Entry::logger, RecentLog.Entry::message,
                        RecentLog.Entry::exception)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("WARN", "Jobs", "job clock: timed out", ""),
                        org.assertj.core.groups.Tuple.tuple("ERROR", "Jobs", "job tick failed",
                                "java.io.IOException: disk full"));
        assertThat(ring.entries()).extracting(RecentLog.Entry::seq).containsExactly(1L, 2L);
    }

    @Test
    void keeps_the_newest_when_full() {
        RecentLog ring = new RecentLog(3);
        ring.start();
        for (int i = 1; i <= 5; i++) {
            ring.doAppend(event(Level.WARN, "warning " + i, null));
        }
        assertThat(ring.entries()).extracting(RecentLog.Entry::message).containsExactly("warning 3", "warning 4", "warning 5");
        assertThat(ring.entries()).extracting(RecentLog.Entry::seq).containsExactly(3L, 4L, 5L);
    }

    @Test
    void the_shared_ring_hears_the_container_log_once_attached() {
        RecentLog shared = RecentLog.shared();
        assertThat(RecentLog.shared()).isSameAs(shared);
        LoggerFactory.getLogger("container").warn("recent-log test {}", 42);
        assertThat(shared.entries()).extracting(RecentLog.Entry::message).contains("recent-log test 42");
        assertThat(countAppenders()).as("attached once").isEqualTo(1);
    }

    private static long countAppenders() {
        var it = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("ROOT").iteratorForAppenders();
        long n = 0;
        while (it.hasNext()) {
            if (it.next() instanceof RecentLog) {
                n++;
            }
        }
        return n;
    }
}
