package dev.container.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What the container logs while a test runs, from the root logger:
 * {@code try (var log = LogCapture.start()) { ...; assertThat(log.errors())... }}.
 */
public final class LogCapture implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    private LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** The messages logged at level or above, formatted, in order. */
    public List<String> messages(Level level) {
        return List.copyOf(appender.list).stream().filter(e -> e.getLevel().isGreaterOrEqual(level))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The events logged at level or above as "logger: message", in order, for a test that cares who said it. */
    public List<String> events(Level level) {
        return List.copyOf(appender.list).stream().filter(e -> e.getLevel().isGreaterOrEqual(level))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    }

    public List<String> errors() {
        return messages(Level.ERROR);
    }

    /** Every message at any level, for a test that checks something is never logged. */
    public List<String> all() {
        return messages(Level.ALL);
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
