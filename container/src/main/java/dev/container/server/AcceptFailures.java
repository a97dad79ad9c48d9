package dev.container.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.xnio.ChannelListener;
import org.xnio.StreamConnection;
import org.xnio.channels.AcceptingChannel;

/**
 * Accepting that fails, as when the process is out of file descriptors, logged once per episode
 * instead of XNIO's line per back-off step: one error line when accepting first fails, one
 * line when a connection is accepted again with no failure in the 5 s before. XNIO itself pauses the listener after a failed
 * accept, for 250 ms, then 1, 4, 16 and at most 30 s, so a server that ran out recovers within
 * 30 s of file descriptors coming back; connections meanwhile wait in the kernel's backlog.
 *
 * <p>XNIO reports a failed accept only in its log (XNIO008001), so this is a Logback turbo
 * filter that takes those events and denies them; {@link #listener} counts the accepts. Install
 * with {@link #install} and remove with {@link #close}. Thread-safe.
 */
final class AcceptFailures extends TurboFilter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("container");
    private static final String XNIO_ACCEPT_FAILED = "XNIO008001";
    private static final long QUIET_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    /** When the episode began (System.nanoTime), 0 when accepting works. */
    private final AtomicLong failingSince = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile long lastFailure;
    private LoggerContext context;

    /** Starts taking XNIO's accept-failure lines (when Logback is the logger, as in the container). */
    void install() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            context = logback;
            setContext(logback);
            start();
            logback.addTurboFilter(this);
        }
    }

    /** The accept listener of a listening socket: accepts and hands the connection to open. */
    <C extends StreamConnection> ChannelListener<AcceptingChannel<C>> listener(ChannelListener<? super C> open) {
        return channel -> {
            C accepted;
            try {
                accepted = channel.accept(); // XNIO returns null after a failure, and backs off
            } catch (IOException e) {
                failed(e.toString());
                return;
            }
            if (accepted != null) {
                accepted();
                open.handleEvent(accepted);
            }
        };
    }

    @Override
    public FilterReply decide(Marker marker, ch.qos.logback.classic.Logger logger, Level level, String format,
                              Object[] params, Throwable t) {
        if (format == null || !format.startsWith(XNIO_ACCEPT_FAILED) || !logger.getName().startsWith("org.xnio")) {
            return FilterReply.NEUTRAL;
        }
        // "XNIO008001: Socket accept failed, backing off for 250 milliseconds: java.io.IOException: Too many open files"
        int cause = format.indexOf("milliseconds: ");
        failed(cause < 0 ? format : format.substring(cause + "milliseconds: ".length()));
        return FilterReply.DENY;
    }

    private void failed(String cause) {
        failures.incrementAndGet();
        lastFailure = System.nanoTime();
        if (failingSince.compareAndSet(0, lastFailure)) {
            log.error("cannot accept connections: {}{}; new connections wait while accepting is retried with a "
                    + "growing pause (up to 30 s); logged again once it works", cause, fileLimit());
        }
    }

    private void accepted() {
        long since = failingSince.get();
        // Several I/O threads accept, each with its own pause, and near the limit some accepts work
        // while others fail: the episode ends after QUIET without a failure, not at the first accept.
        if (since != 0 && System.nanoTime() - lastFailure > QUIET_NANOS && failingSince.compareAndSet(since, 0)) {
            log.info("accepting connections again, after {} s and {} failed attempt(s)",
                    (System.nanoTime() - since) / 1_000_000_000, failures.getAndSet(0));
        }
    }

    /** ", the limit of open files is N" where the JVM can tell (reading the limit needs no descriptor). */
    private static String fileLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return " (the limit of open files, ulimit -n, is " + unix.getMaxFileDescriptorCount() + ")";
        }
        return "";
    }

    @Override
    public void close() {
        if (context != null) {
            context.getTurboFilterList().remove(this);
            stop();
        }
    }
}
