package dev.container;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.container.admin.RecentLog;
import dev.container.config.LogFormat;
import dev.container.config.LoggingSpec;
import org.slf4j.LoggerFactory;

/**
 * The container's logging, set up in code: one readable line per event on stderr
 * ({@link LineLayout}), or one JSON object per line ({@link JsonLayout}) once {@link #apply} is
 * given a plan with {@code logging.format = json}. Logback finds this class through ServiceLoader before it looks for XML,
 * which saves the ~200 ms its XML configurator and pattern parser cost at every start. A user's own configuration still wins: with
 * {@code -Dlogback.configurationFile=...} (or a logback-test.xml on the class path) this steps aside.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    /** Whether this class configured logging in this JVM (and not a user's or a test's file). */
    private static volatile boolean configured;

    /** The console's layout, set to JSON by {@link #apply} when the plan says so; text until then. */
    private static final SwitchedLayout layout = new SwitchedLayout();

    /**
     * Sets the root level of the container's log (error, warn, info, debug, trace) and its format
     * (text or JSON), when the logging is ours: a user's own Logback configuration keeps its own.
     */
    static void apply(LoggingSpec logging) {
        if (configured && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(logging.level(), Level.INFO));
            LayoutBase<ILoggingEvent> next = logging.format() == LogFormat.JSON ? new JsonLayout() : new LineLayout();
            next.setContext(context);
            next.start();
            layout.current = next;
        }
    }

    /** Lays out each event with the layout set last; threads that log while it is set see one or the other. */
    private static final class SwitchedLayout extends LayoutBase<ILoggingEvent> {
        volatile LayoutBase<ILoggingEvent> current = new LineLayout();

        @Override
        public String doLayout(ILoggingEvent event) {
            return current.doLayout(event);
        }
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        layout.setContext(context);
        layout.current.setContext(context);
        layout.current.start();
        layout.start();
        var encoder = new LayoutWrappingEncoder<ILoggingEvent>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        var console = new ConsoleAppender<ILoggingEvent>();
        console.setContext(context);
        console.setName("console");
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        // Undertow and XNIO announce versions and routine events at INFO; only their problems matter.
        context.getLogger("org.xnio").setLevel(Level.WARN);
        context.getLogger("org.jboss").setLevel(Level.WARN);
        context.getLogger("io.undertow").setLevel(Level.WARN);
        // Quartz reports its set-up (version, thread pool, store, a multi-line summary) at INFO;
        // the container logs one line per job itself.
        context.getLogger("org.quartz").setLevel(Level.WARN);
        // Jasper's XML reader warns at start-up that it has no copies of the XML Schema DTDs, which
        // it would only need to validate TLDs (off, as on Tomcat).
        context.getLogger("org.apache.tomcat.util.descriptor.DigesterFactory").setLevel(Level.ERROR);
        // ... and its TLD scan says at INFO, for every app with JSP pages, that jars held no TLDs.
        context.getLogger("org.apache.jasper.servlet.TldScanner").setLevel(Level.WARN);
        // HikariCP announces the start and shutdown of every app's pool at INFO; the app's own line says it
        // started, and a pool's trouble comes at WARN.
        context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        // Flyway tells at INFO what it found and did to the cluster storage's schema; the storage's
        // own line at start says the version and how many migrations were applied.
        context.getLogger("org.flywaydb").setLevel(Level.WARN);
        // Tomcat's migration tool (javax WARs, deploy/JakartaMigration) says at INFO where it starts
        // and ends each archive in a WAR; the container logs one line per migrated app itself.
        context.getLogger("org.apache.tomcat.jakartaee").setLevel(Level.WARN);
        // ServletContext.log() of the apps comes through this category.
        context.getLogger("io.undertow.servlet").setLevel(Level.INFO);
        // the last warnings and errors, for the dashboard (the start's among them)
        RecentLog.attach(context);
        configured = true;
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
