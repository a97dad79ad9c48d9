package dev.container.admin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The last warnings and errors of the server log, kept in memory for the control API
 * ({@code GET /log/recent}) and the dashboard: a Logback appender on the root logger that keeps
 * the newest {@link #CAPACITY} events at WARN or above, dropping the oldest. An event costs one
 * small record; nothing is written anywhere. One per process ({@link #shared}), attached once to
 * the Logback context that serves the container's log, whoever configured it. Thread-safe.
 */
public final class RecentLog extends AppenderBase<ILoggingEvent> {
    /** How many events are kept. */
    public static final int CAPACITY = 100;
    private static final String NAME = "container-recent";
    private static final RecentLog SHARED = new RecentLog(CAPACITY);

    /**
     * One event, as the API shows it.
     *
     * @param seq its number since the process started (1, 2, ...), so a reader sees what is new
     * @param logger the logger's last name segment, as the log line shows it
     * @param exception the exception's first line ({@code java.io.IOException: message}), empty without one
     */
    public record Entry(long seq, Instant time, String level, String logger, String message, String exception) {
    }

    private final int capacity;
    private final ArrayDeque<Entry> entries;
    private long seq;

    RecentLog(int capacity) {
        this.capacity = capacity;
        this.entries = new ArrayDeque<>(capacity);
        setName(NAME);
    }

    /** The process's ring, attached to Logback's root logger if it is not yet. */
    public static RecentLog shared() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            attach(context);
        }
        return SHARED;
    }

    /**
     * Attaches the process's ring to context's root logger (once; later calls do nothing). Called
     * by the container's own log set-up, so that warnings of the start are kept too.
     */
    public static void attach(LoggerContext context) {
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        synchronized (SHARED) {
            if (root.getAppender(NAME) == SHARED) {
                return;
            }
            SHARED.setContext(context);
            SHARED.start();
            root.addAppender(SHARED);
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!event.getLevel().isGreaterOrEqual(Level.WARN)) {
            return;
        }
        String logger = event.getLoggerName();
        IThrowableProxy thrown = event.getThrowableProxy();
        String exception = thrown == null ? "" : thrown.getClassName()
                + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage().lines().findFirst().orElse(""));
        String message = event.getFormattedMessage();
        synchronized (entries) {
            if (entries.size() == capacity) {
                entries.removeFirst();
            }
            entries.addLast(new Entry(++seq, Instant.ofEpochMilli(event.getTimeStamp()), event.getLevel().toString(),
                    logger.substring(logger.lastIndexOf('.') + 1), message == null ? "" : message, exception));
        }
    }

    /** The kept events, oldest first. */
    public List<Entry> entries() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }
}
