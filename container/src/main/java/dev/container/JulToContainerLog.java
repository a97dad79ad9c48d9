package dev.container;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends java.util.logging to the container's log. JUL is one per JVM, shared by every app: left
 * with its default console handler, the first app that bridges JUL into its own logging (Spring
 * Boot does exactly when it finds that handler alone) takes the JUL records of all the other apps
 * (Jersey logs through JUL) into its log, and leaves JUL with no handler when it stops. Installed
 * once, before any app deploys; thread-safe.
 */
final class JulToContainerLog extends Handler {
    private final SimpleFormatter formatter = new SimpleFormatter();

    private JulToContainerLog() {
    }

    /** Replaces the JUL root logger's console handler with this one; does nothing the second time. */
    static synchronized void install() {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            if (handler instanceof JulToContainerLog) {
                return;
            }
        }
        for (Handler handler : root.getHandlers()) {
            if (handler instanceof ConsoleHandler) {
                root.removeHandler(handler);
            }
        }
        root.addHandler(new JulToContainerLog());
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        Logger logger = LoggerFactory.getLogger(record.getLoggerName() == null ? "jul" : record.getLoggerName());
        String message = formatter.formatMessage(record);
        Throwable thrown = record.getThrown();
        // The levels SLF4J's own JUL bridge maps to.
        int level = record.getLevel().intValue();
        if (level >= Level.SEVERE.intValue()) {
            logger.error(message, thrown);
        } else if (level >= Level.WARNING.intValue()) {
            logger.warn(message, thrown);
        } else if (level >= Level.CONFIG.intValue()) {
            logger.info(message, thrown);
        } else if (level >= Level.FINER.intValue()) {
            logger.debug(message, thrown);
        } else {
            logger.trace(message, thrown);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
