package dev.container.probe;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs probes one after another; after each, a normal request must still succeed (the server
 * stayed healthy). Prints one line per probe and a total.
 */
public final class Runner {
    /** No probe may take longer than this (the slow ones wait out the server's timeouts). */
    private static final Duration PROBE_LIMIT = Duration.ofMinutes(3);

    private final Target target;
    private final PrintStream out;
    private final boolean tsv;

    public Runner(Target target, PrintStream out, boolean tsv) {
        this.target = target;
        this.out = out;
        this.tsv = tsv;
    }

    /** Every probe of the suite, in report order. */
    public static List<Probe> suite() {
        List<Probe> all = new ArrayList<>();
        all.addAll(Http1Probes.all());
        all.addAll(MethodProbes.all());
        all.addAll(StaticProbes.all());
        all.addAll(HeaderProbes.all());
        all.addAll(Http2Probes.all());
        all.addAll(SlowProbes.all());
        return all;
    }

    /** Runs probes and returns the outcomes in order; prints as it goes. */
    public List<Outcome> run(List<Probe> probes) {
        List<Outcome> outcomes = new ArrayList<>();
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "probe");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Probe probe : probes) {
                Outcome outcome = runOne(thread, probe);
                if (outcome.verdict() != Outcome.Verdict.SKIP) {
                    String health = healthy();
                    if (health != null) {
                        outcome = Outcome.fail(outcome.detail() + "; afterwards " + health);
                    }
                }
                outcomes.add(outcome);
                print(probe, outcome);
            }
        } finally {
            thread.shutdownNow();
        }
        long passed = outcomes.stream().filter(o -> o.verdict() == Outcome.Verdict.PASS).count();
        long failed = outcomes.stream().filter(Outcome::failed).count();
        long skipped = outcomes.size() - passed - failed;
        if (!tsv) {
            out.println(passed + " passed, " + failed + " failed" + (skipped > 0 ? ", " + skipped + " skipped" : ""));
        }
        return outcomes;
    }

    private Outcome runOne(ExecutorService thread, Probe probe) {
        Future<Outcome> running = thread.submit(() -> probe.check().run(target));
        try {
            return running.get(PROBE_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            running.cancel(true);
            return Outcome.fail("no verdict within " + PROBE_LIMIT.toMinutes() + " min");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.fail("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            return Outcome.fail("probe error: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
    }

    /** null when a normal GET of the file answers 200 within 5 s (three tries), else what went wrong. */
    private String healthy() {
        String problem = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                Exchange x = Exchange.run(target, target.anyHttp1(), "GET " + target.file() + " HTTP/1.1\r\nHost: "
                        + target.host() + "\r\nConnection: close\r\n\r\n");
                if (!x.finals().isEmpty() && x.finals().get(0).status() == 200) {
                    return null;
                }
                problem = "a normal GET got " + x.describe();
            } catch (Exception e) {
                problem = "a normal GET failed: " + e.getMessage();
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return problem;
    }

    private void print(Probe probe, Outcome outcome) {
        if (tsv) {
            out.println(probe.name() + "\t" + outcome.verdict() + "\t" + outcome.detail().replace('\t', ' '));
        } else {
            out.printf("%-4s %-28s %s%n", outcome.verdict(), probe.name(), outcome.detail());
        }
        out.flush();
    }
}
