package dev.container.testing;

import java.io.IOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Turns a test's failure to start a program that is not installed ({@code Cannot run program
 * "h2load"}) into a skip whose one line names the program and the Debian package that brings it,
 * so that the suite passes on a machine with only a JDK and curl. Registered for every test
 * (META-INF/services, with extension autodetection on in junit-platform.properties);
 * {@link SkippedReport} lists the skips at the end of the run. Any other failure is left as it is.
 */
public final class MissingTools implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    /** The Debian package of each program the tests run. */
    static final Map<String, String> PACKAGES = Map.ofEntries(
            Map.entry("h2load", "nghttp2-client"),
            Map.entry("nghttp", "nghttp2-client"),
            Map.entry("curl", "curl"),
            Map.entry("openssl", "openssl"),
            Map.entry("slowhttptest", "slowhttptest"),
            Map.entry("testssl", "testssl.sh"),
            Map.entry("jq", "jq"),
            Map.entry("pebble", "pebble"),
            Map.entry("pebble-challtestsrv", "pebble"),
            Map.entry("argon2", "argon2"),
            Map.entry("htpasswd", "apache2-utils"),
            Map.entry("tmux", "tmux"),
            Map.entry("promtool", "prometheus"),
            Map.entry("systemd-analyze", "systemd"),
            Map.entry("chromium", "chromium"),
            Map.entry("chromedriver", "chromium-driver"),
            Map.entry("nginx", "nginx-light"),
            Map.entry("python3", "python3"),
            Map.entry("initdb", Postgres.PACKAGE),
            Map.entry("pg_ctl", Postgres.PACKAGE));
    private static final Pattern CANNOT_RUN = Pattern.compile("Cannot run program \"([^\"]+)\".*error=2, No such file or directory.*",
            Pattern.DOTALL);

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw translate(failure);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw translate(failure);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw translate(failure);
    }

    /** The skip that stands for failure when it is a missing program, else failure itself. */
    static Throwable translate(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null) {
                Matcher m = CANNOT_RUN.matcher(t.getMessage());
                if (m.matches()) {
                    return new TestAbortedException(missing(m.group(1)));
                }
            }
        }
        return failure;
    }

    /** Whether program is an executable file in a directory of the PATH. */
    public static boolean installed(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** Skips the calling test, with one line naming the Debian package, unless program is installed. */
    public static void require(String program) {
        if (!installed(program)) {
            throw new TestAbortedException(missing(program));
        }
    }

    /** "h2load is not installed (Debian package nghttp2-client)". */
    static String missing(String program) {
        String name = program.substring(program.lastIndexOf('/') + 1);
        String pkg = PACKAGES.get(name);
        return name + " is not installed" + (pkg == null ? "" : " (Debian package " + pkg + ")");
    }
}
