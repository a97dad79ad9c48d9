package dev.container.jobs;

/**
 * The last {@code limit} characters written to it: the output excerpt a job's history keeps,
 * however much the job prints. Thread-safe.
 */
final class Tail {
    static final int DEFAULT_LIMIT = 2000;
    private final int limit;
    private final StringBuilder text = new StringBuilder();
    private boolean cut;

    Tail(int limit) {
        this.limit = limit;
    }

    synchronized void append(String s) {
        text.append(s);
        if (text.length() > limit) {
            text.delete(0, text.length() - limit);
            cut = true;
        }
    }

    @Override
    public synchronized String toString() {
        return cut ? "..." + text : text.toString();
    }
}
