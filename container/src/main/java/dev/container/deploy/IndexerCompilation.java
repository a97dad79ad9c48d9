package dev.container.deploy;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the class indexer (Jandex) out of the JVM's optimizing compiler, C2: it runs only while
 * apps deploy, in a burst hot enough for C2 to compile its large methods, and those compiles cost
 * more CPU than they save. With a Spring MVC app's eight jars, C2 spent ~5 s of CPU on Jandex's
 * methods during a 20-app start on one core (JFR, docs/design.md "Apps scaling"): on one core that
 * time is taken from the deployments. C1's code indexes nearly as fast. The compiler directive is
 * added once per JVM, in-process, as {@code jcmd PID Compiler.directives_add} does (the
 * DiagnosticCommand MBean); a JVM without that MBean is left as it is. Thread-safe.
 */
final class IndexerCompilation {
    private static final Logger log = LoggerFactory.getLogger(IndexerCompilation.class);
    private static final String DIRECTIVE = "[{ match: [\"org/jboss/jandex/*.*\"], c2: { Exclude: true } }]\n";
    private static final AtomicBoolean added = new AtomicBoolean();

    private IndexerCompilation() {
    }

    /** Adds the directive, the first time only; best effort. */
    static void keepOutOfC2() {
        if (!added.compareAndSet(false, true)) {
            return;
        }
        Path file = null;
        try {
            file = Files.createTempFile("container-jit", ".json");
            Files.writeString(file, DIRECTIVE);
            Object result = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                    new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            log.debug("compiler directive for the class indexer: {}", result);
        } catch (Exception | LinkageError e) {
            log.debug("no compiler directive for the class indexer: {}", e.toString());
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (java.io.IOException e) {
                    log.debug("cannot delete {}: {}", file, e.toString());
                }
            }
        }
    }
}
