package samples.servlet;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A scheduled job that lives in this app: container runs it from the app's own class loader (a
 * {@code class} job with {@code app = /servlet}), so it shares the app's classes and static state;
 * {@link JobTicksServlet} shows what it did.
 */
public class JobTick implements Runnable {
    static final AtomicLong RUNS = new AtomicLong();
    static final AtomicReference<Instant> LAST = new AtomicReference<>();

    @Override
    public void run() {
        RUNS.incrementAndGet();
        LAST.set(Instant.now());
    }
}
