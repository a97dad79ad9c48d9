package dev.container.server;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;
import io.undertow.util.WorkerUtils;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.XnioExecutor;
import org.xnio.channels.ReadTimeoutException;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

/**
 * The request body of one exchange, failed when the client keeps its reader waiting: a wait
 * for the next bytes longer than {@code idle} (nginx's client_body_timeout), or more waiting in
 * total than {@code idle} plus one second per {@code minRate} bytes received (Apache
 * mod_reqtimeout's {@code body=T,MinRate=R}), which cuts a client that sends a byte every few
 * seconds. Only the time a read spends waiting for the client counts, from a read that found no
 * data to the next that found some, so an app that is slow to read its body is never blamed.
 *
 * <p>On a timeout the read (or the wait in {@code awaitReadable}) throws
 * {@link ReadTimeoutException} to the reader, and every later read does too, so the request's
 * worker is freed; Undertow then cannot drain the body and closes the connection (HTTP/1.1) or
 * resets the stream (HTTP/2). Nothing is closed from here: closing a connection under a worker
 * that reads it makes Undertow free that reader's buffer from the closing thread. A reader that
 * waits without a thread (a servlet ReadListener, Undertow draining an unread body) is woken by
 * a timer on the I/O thread, and its next read throws. Reads come from one thread at a time; the
 * timer from the I/O thread; shared state is guarded by this object.
 */
final class BodyReadTimeout extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private static final Logger log = LoggerFactory.getLogger(BodyReadTimeout.class);
    private static final long NOT_WAITING = Long.MIN_VALUE;
    /** Past the deadline before the timer acts, so that a read that is due wins over the timer. */
    private static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final HttpServerExchange exchange;
    private final long idleNanos;
    private final long minRate;
    private long received;
    /** Time spent waiting for the client in earlier waits. */
    private long waited;
    /** When the current wait began (a read found nothing), or NOT_WAITING. */
    private long waitingSince = NOT_WAITING;
    private boolean expired;
    private boolean done;
    /** Threads in awaitReadable: they time out by themselves, the timer leaves them be. */
    private int blocked;
    private XnioExecutor.Key timer;

    BodyReadTimeout(StreamSourceConduit next, HttpServerExchange exchange, long idleNanos, long minRate) {
        super(next);
        this.exchange = exchange;
        this.idleNanos = idleNanos;
        this.minRate = minRate;
        exchange.addExchangeCompleteListener((ex, nextListener) -> {
            finish();
            nextListener.proceed();
        });
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        checkExpired();
        return (int) account(next.read(dst));
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        checkExpired();
        return account(next.read(dsts, offset, length));
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        checkExpired();
        return account(next.transferTo(position, count, target));
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        checkExpired();
        return account(next.transferTo(count, throughBuffer, target));
    }

    @Override
    public void awaitReadable() throws IOException {
        awaitReadable(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    @Override
    public void awaitReadable(long time, TimeUnit unit) throws IOException {
        long left;
        synchronized (this) {
            checkExpired();
            long now = System.nanoTime();
            if (waitingSince == NOT_WAITING) {
                waitingSince = now;
            }
            left = deadline() - now;
            if (left <= 0) {
                expire();
            }
            blocked++;
        }
        try {
            // bounded, so that this thread finds the timeout itself on its next read
            next.awaitReadable(Math.min(unit.toNanos(time), left + SLACK_NANOS), TimeUnit.NANOSECONDS);
        } finally {
            synchronized (this) {
                blocked--;
            }
        }
    }

    @Override
    public void terminateReads() throws IOException {
        finish();
        super.terminateReads();
    }

    /** Updates the waiting time by what a read returned; throws when the client has taken too long. */
    private synchronized long account(long n) throws IOException {
        if (n > 0) {
            if (waitingSince != NOT_WAITING) {
                waited += System.nanoTime() - waitingSince;
                waitingSince = NOT_WAITING;
            }
            received += n;
        } else if (n == 0) {
            long now = System.nanoTime();
            if (waitingSince == NOT_WAITING) {
                waitingSince = now;
            } else if (now - deadline() >= 0) {
                expire();
            }
            arm(now);
        } else {
            finishLocked();
        }
        return n;
    }

    /** When the current wait times out: the idle limit, or sooner when the total wait allowed runs out. */
    private long deadline() {
        long allowed = idleNanos;
        if (minRate > 0) {
            double total = idleNanos + received * 1e9 / minRate;
            allowed = (long) Math.min(idleNanos, total - waited);
        }
        return waitingSince + allowed;
    }

    private void arm(long now) {
        if (timer == null && !done) {
            long delay = Math.max(deadline() - now, 0) + SLACK_NANOS;
            timer = WorkerUtils.executeAfter(exchange.getIoThread(), this::onTimer, delay, TimeUnit.NANOSECONDS);
        }
    }

    private void onTimer() {
        synchronized (this) {
            timer = null;
            if (done || expired || waitingSince == NOT_WAITING) {
                return; // data came meanwhile; the next read that finds none arms the timer again
            }
            long now = System.nanoTime();
            if (now - deadline() < 0 || blocked > 0) {
                arm(now);
                return;
            }
            markExpired();
        }
        next.wakeupReads(); // the waiting read listener runs, reads, and gets the exception
    }

    /** Marks the body as timed out and throws to the reader. */
    private void expire() throws ReadTimeoutException {
        markExpired();
        throw timedOut();
    }

    private void markExpired() {
        expired = true;
        exchange.setPersistent(false);
        if (!exchange.isResponseStarted()) {
            exchange.setStatusCode(StatusCodes.REQUEST_TIME_OUT); // unless the app answers otherwise
        }
        log.debug("{} {}: request body timed out after {} byte(s)", exchange.getRequestMethod(), exchange.getRequestURI(),
                received);
    }

    private void checkExpired() throws ReadTimeoutException {
        synchronized (this) {
            if (expired) {
                throw timedOut();
            }
        }
    }

    private ReadTimeoutException timedOut() {
        return new ReadTimeoutException("request body: the client sent " + received + " byte(s) too slowly (limits.body-timeout "
                + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms, body-min-rate " + minRate + " B/s)");
    }

    private synchronized void finish() {
        finishLocked();
    }

    private void finishLocked() {
        done = true;
        waitingSince = NOT_WAITING;
        if (timer != null) {
            timer.remove();
            timer = null;
        }
    }
}
