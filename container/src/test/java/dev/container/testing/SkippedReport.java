package dev.container.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Lists, at the end of a test run, every test that was skipped and why (a missing program, with
 * its Debian package): printed, and appended to {@code target/skipped.txt}, which
 * {@code scripts/test} prints again after the whole build. Registered through META-INF/services
 * for Surefire and Failsafe alike.
 */
public final class SkippedReport implements TestExecutionListener {
    private final List<String> skipped = new ArrayList<>();
    private TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
    }

    @Override
    public synchronized void executionSkipped(TestIdentifier test, String reason) {
        skipped.add(name(test) + ": " + reason);
    }

    @Override
    public synchronized void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            String reason = result.getThrowable().map(Throwable::getMessage).orElse("aborted");
            skipped.add(name(test) + ": " + firstLine(reason));
        }
    }

    @Override
    public synchronized void testPlanExecutionFinished(TestPlan testPlan) {
        if (skipped.isEmpty()) {
            return;
        }
        Set<String> lines = new TreeSet<>(skipped);
        System.out.println("Skipped " + skipped.size() + " test(s):");
        lines.forEach(line -> System.out.println("  " + line));
        try {
            Path report = Path.of("target", "skipped.txt");
            Files.createDirectories(report.getParent());
            Files.write(report, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "H2loadTest.h2load_gets_a_thousand_answers (...)" : the class and the test's display name. */
    private String name(TestIdentifier test) {
        String parent = plan == null ? "" : plan.getParent(test).map(TestIdentifier::getDisplayName).orElse("");
        return (parent.isEmpty() ? "" : parent + ".") + test.getDisplayName();
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}
