package dev.container.config;

import java.time.Duration;

/**
 * How logins against the users file are guarded (config section {@code logins}): after
 * {@code lockoutFailures} failed logins of one user, none more than {@code lockoutTime} after the
 * one before, that user is locked out for {@code lockoutTime}, as Tomcat's LockOutRealm does.
 *
 * @param lockoutFailures failed logins that lock a user; 0 turns the lockout off
 * @param lockoutTime how long a lock lasts after the last failed login, and how far apart failures
 *                    may be to add up
 */
public record LoginsSpec(int lockoutFailures, Duration lockoutTime) {
    /** Tomcat's LockOutRealm defaults: 5 failures, 5 minutes. */
    public static final LoginsSpec DEFAULT = new LoginsSpec(5, Duration.ofMinutes(5));

    public LoginsSpec {
        if (lockoutFailures < 0) {
            throw new IllegalArgumentException("lockoutFailures must not be negative");
        }
        if (lockoutTime.isNegative() || lockoutFailures > 0 && lockoutTime.isZero()) {
            throw new IllegalArgumentException("lockoutTime must be above zero");
        }
    }

    /** Whether failed logins lock users out at all. */
    public boolean lockout() {
        return lockoutFailures > 0;
    }
}
