package dev.container.jobs;

/** What a {@link Task} reports about one run; the scheduler adds the times. */
record Outcome(JobRun.Result result, String detail, String output) {
    static Outcome ok(String detail, String output) {
        return new Outcome(JobRun.Result.OK, detail, output);
    }

    static Outcome failed(String detail, String output) {
        return new Outcome(JobRun.Result.FAILED, detail, output);
    }

    static Outcome timedOut(String detail, String output) {
        return new Outcome(JobRun.Result.TIMED_OUT, detail, output);
    }

    static Outcome interrupted(String detail, String output) {
        return new Outcome(JobRun.Result.INTERRUPTED, detail, output);
    }
}
