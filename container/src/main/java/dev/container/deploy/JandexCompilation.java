package dev.container.deploy;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Jandex out of the JIT's optimizing compiler (C2): a compiler directive excluding
 * {@code org/jboss/jandex/*.*} from C2, added once in-process before the first index is built, as
 * {@code jcmd PID Compiler.directives_add FILE} does (through the DiagnosticCommand MBean). Jandex
 * runs only while apps deploy, and C2's code for its large methods never paid back: at N = 20
 * Spring apps on one core, half the start's CPU went to the JIT, ~5 s of it C2 compiling Jandex
 * (docs/design.md, Apps scaling). Jandex still runs interpreted and then C1-compiled. Best effort:
 * a JVM without the MBean or the operation (not HotSpot, say) deploys as before.
 */
final class JandexCompilation {
    private static final Logger log = LoggerFactory.getLogger(JandexCompilation.class);

    /** The directive, in the JSON dialect of HotSpot's compiler directives. */
    static final String DIRECTIVE = "[{ match: [\"org/jboss/jandex/*.*\"], c2: { Exclude: true } }]";

    private static boolean added;

    private JandexCompilation() {
    }

    /** Adds the directive, the first time only; later calls return at once. */
    static synchronized void exclude() {
        if (added) {
            return;
        }
        added = true;
        Path file = null;
        try {
            file = Files.createTempFile("container-jandex", ".json");
            Files.writeString(file, DIRECTIVE, StandardCharsets.UTF_8);
            Object result = ManagementFactory.getPlatformMBeanServer().invoke(diagnosticCommand(),
                    "compilerDirectivesAdd", new Object[] {new String[] {file.toString()}},
                    new String[] {String[].class.getName()});
            log.debug("Jandex excluded from C2: {}", result);
        } catch (Exception | LinkageError e) {
            log.debug("cannot exclude Jandex from C2 ({}); deploying without", e.toString());
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (Exception ignored) {
                    // a temp file left behind
                }
            }
        }
    }

    /** The directives in force, as {@code jcmd PID Compiler.directives_print} prints them. */
    static String print() throws Exception {
        return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(diagnosticCommand(),
                "compilerDirectivesPrint", new Object[] {new String[0]}, new String[] {String[].class.getName()}));
    }

    private static ObjectName diagnosticCommand() throws Exception {
        return new ObjectName("com.sun.management:type=DiagnosticCommand");
    }
}
