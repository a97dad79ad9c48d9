package dev.container.jobs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Drops what Quartz logs about a database it cannot reach: while PostgreSQL is away, its cluster
 * manager, misfire handler and scheduler thread each log an error with a stack trace every few
 * seconds, for as long as the outage lasts. {@link StoreOutage} says it once instead (told by this
 * filter, as these threads tell nothing else). Quartz's
 * other warnings and errors pass. Installed once per JVM on Logback's context (when Logback is the
 * SLF4J binding) by the first clustered {@link Jobs}.
 */
final class QuartzOutageFilter extends TurboFilter {
    private static boolean installed;

    static synchronized void install() {
        if (!installed && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            QuartzOutageFilter filter = new QuartzOutageFilter();
            filter.setName("quartz-database-outage");
            filter.setContext(context);
            filter.start();
            context.addTurboFilter(filter);
            installed = true;
        }
    }

    @Override
    public FilterReply decide(Marker marker, ch.qos.logback.classic.Logger logger, Level level, String format,
                              Object[] params, Throwable t) {
        if (level == null || !level.isGreaterOrEqual(Level.WARN) || !logger.getName().startsWith("org.quartz")) {
            return FilterReply.NEUTRAL;
        }
        Throwable failure = t;
        if (failure == null && params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last) {
            failure = last; // SLF4J's form log.error("... {}", x, exception)
        }
        if (failure == null || !StoreOutage.unreachable(failure)) {
            return FilterReply.NEUTRAL;
        }
        StoreOutage.report(failure);
        return FilterReply.DENY;
    }
}
