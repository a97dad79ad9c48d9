package dev.container.acme;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to renew and when to retry: small pure functions, so the schedule is tested without a
 * clock or a CA. Every time follows the certificate's own lifetime, so short-lived certificates
 * (days, or minutes in tests) renew as they should.
 */
public final class RenewalPolicy {
    /** The first retry after a failure; each further failure doubles it. */
    static final Duration FIRST_RETRY = Duration.ofMinutes(1);
    /** The longest wait between attempts, as certmagic's: a day. */
    static final Duration MAX_RETRY = Duration.ofDays(1);

    private RenewalPolicy() {
    }

    /**
     * When the lifetime rule says to renew: once a third of the lifetime is left, or, with
     * renewBefore, that long before expiry.
     */
    public static Instant renewalTime(Instant notBefore, Instant notAfter, Optional<Duration> renewBefore) {
        if (renewBefore.isPresent()) {
            return notAfter.minus(renewBefore.get());
        }
        Duration lifetime = Duration.between(notBefore, notAfter);
        return notAfter.minus(lifetime.dividedBy(3));
    }

    /** Whether to renew now: the lifetime rule's time has come, or the time chosen in the CA's ARI window. */
    public static boolean due(Instant now, Instant notBefore, Instant notAfter, Optional<Duration> renewBefore,
                              Optional<Instant> ariTime) {
        if (!now.isBefore(renewalTime(notBefore, notAfter, renewBefore))) {
            return true;
        }
        return ariTime.isPresent() && !now.isBefore(ariTime.get());
    }

    /**
     * A time in the CA's suggested window (RFC 9773 §4.2: a uniformly random point, so that many
     * clients do not renew at once); now when the window is already over.
     */
    public static Instant ariTime(Instant windowStart, Instant windowEnd, Instant now, RandomGenerator random) {
        if (!windowEnd.isAfter(now)) {
            return now;
        }
        Instant start = windowStart.isAfter(now) ? windowStart : now;
        long span = Duration.between(start, windowEnd).toMillis();
        return span <= 0 ? start : start.plusMillis(random.nextLong(span));
    }

    /**
     * How long to wait after the failures-th failure in a row: exponential from a minute up to a
     * day, with jitter (between half and all of it, so hosts that failed together spread out),
     * and never before the CA's Retry-After.
     */
    public static Duration retryDelay(int failures, Instant now, Optional<Instant> retryAfter, RandomGenerator random) {
        Duration backoff = FIRST_RETRY.multipliedBy(1L << Math.min(Math.max(failures, 1) - 1, 20));
        if (backoff.compareTo(MAX_RETRY) > 0) {
            backoff = MAX_RETRY;
        }
        long half = backoff.toMillis() / 2;
        Duration delay = Duration.ofMillis(half + random.nextLong(half + 1));
        if (retryAfter.isPresent() && retryAfter.get().isAfter(now.plus(delay))) {
            delay = Duration.between(now, retryAfter.get());
        }
        return delay;
    }

    /**
     * Whether the expiry of a certificate that failed to renew is near enough to say so as an
     * error rather than a warning: less than a sixth of its lifetime left (half the renewal
     * window gone), or already expired.
     */
    public static boolean expiryNear(Instant now, Instant notBefore, Instant notAfter) {
        Duration lifetime = Duration.between(notBefore, notAfter);
        return !now.isBefore(notAfter.minus(lifetime.dividedBy(6)));
    }
}
