package dev.container.storage;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Keeps HikariCP from logging about the storage's own pools: when the database goes away, Hikari
 * warns, with a stack trace, for every pooled connection it finds broken, where the storage's
 * heartbeat says it once ({@link Heartbeat}) and every failed call throws. The apps' pools
 * (deploy/ConnectionPools) are not touched; at DEBUG everything passes. Hikari names the pool
 * in the first argument of each of its lines, which is what is matched. Thread-safe.
 */
final class QuietPools extends TurboFilter {
    private static final Set<String> POOLS = ConcurrentHashMap.newKeySet();
    private static volatile boolean installed;

    private QuietPools() {
    }

    /** Silences Hikari's lines about the pool of that name from now on. */
    static void add(String pool) {
        POOLS.add(pool);
        if (!installed) {
            install();
        }
    }

    private static synchronized void install() {
        if (installed) {
            return;
        }
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            QuietPools filter = new QuietPools();
            filter.setName("quiet-storage-pools");
            filter.start();
            context.addTurboFilter(filter);
        }
        installed = true;
    }

    @Override
    public FilterReply decide(Marker marker, ch.qos.logback.classic.Logger logger, Level level, String format,
                              Object[] params, Throwable t) {
        if (level == null || !level.isGreaterOrEqual(Level.INFO) || !logger.getName().startsWith("com.zaxxer.hikari")
                || params == null || params.length == 0 || !(params[0] instanceof String pool) || !POOLS.contains(pool)) {
            return FilterReply.NEUTRAL;
        }
        return FilterReply.DENY;
    }
}
