package dev.container.probe;

/** What one probe found: passed or failed (or skipped), in a few words a person can act on. */
public record Outcome(Verdict verdict, String detail) {
    public enum Verdict { PASS, FAIL, SKIP }

    public static Outcome pass(String detail) {
        return new Outcome(Verdict.PASS, detail);
    }

    public static Outcome fail(String detail) {
        return new Outcome(Verdict.FAIL, detail);
    }

    public static Outcome skip(String detail) {
        return new Outcome(Verdict.SKIP, detail);
    }

    /** PASS when ok, else FAIL; the detail says what was seen either way. */
    public static Outcome of(boolean ok, String detail) {
        return new Outcome(ok ? Verdict.PASS : Verdict.FAIL, detail);
    }

    public boolean failed() {
        return verdict == Verdict.FAIL;
    }
}
