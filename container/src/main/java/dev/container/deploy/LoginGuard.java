package dev.container.deploy;

import dev.container.config.LoginsSpec;
import dev.container.config.Users.Password;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every app's logins pass through, one for the whole server (a user is the same person in
 * every app): the lockout, as Tomcat's LockOutRealm does it, and a bound on password hashing.
 * <ul>
 * <li>Lockout: after {@link LoginsSpec#lockoutFailures()} failed logins of one user, none more
 * than {@link LoginsSpec#lockoutTime()} after the one before, the user is locked for that time
 * after the last failure; while locked even the right password is refused, in the same time and
 * with the same answer as a wrong one, and a failure keeps the lock going (as Tomcat's does). One
 * log line when a user gets locked. Only users of the users file are tracked (unknown names lock
 * nothing and are answered as a wrong password is), so the memory is bounded by the file: a flood
 * of made-up names adds nothing.</li>
 * <li>Hashing: at most as many checks at once as there are processors (at least 2, at most 8): each
 * argon2id check takes its memory (19 MiB by default), so a flood of logins must not multiply that
 * by the number of request threads. Checks take that memory from one pool of blocks, kept for the
 * next (up to that many checks' worth of the default 19 MiB): without it each check leaves 19 MiB
 * of garbage, and a flood of wrong passwords grew the heap, and the process, to 2 GiB.</li>
 * <li>A BASIC client sends its password with every request and Undertow checks each one, which at
 * tens of milliseconds a check would cap such an app at a few dozen requests a second. So, as
 * Caddy's basic_auth does, a successful check is remembered for {@link #REMEMBERED} (by an HMAC of
 * name and password under a key of this process, never the password; at most
 * {@link #MAX_REMEMBERED}), and repeated only when the stored password changed, the user is
 * locked, or the time is up. A wrong password is never remembered: it always costs a full check.</li>
 * </ul>
 * Thread-safe.
 */
public final class LoginGuard {
    static final Duration REMEMBERED = Duration.ofMinutes(5);
    static final int MAX_REMEMBERED = 1_000;
    /** Above this many tracked users, those whose failures are older than the window are dropped. */
    private static final int SWEEP_AT = 1_000;

    private static final Logger log = LoggerFactory.getLogger("container");

    private volatile LoginsSpec spec;
    private final LongSupplier nanoTime;
    private final Semaphore hashing;
    private final Argon2BytesGenerator.BlockPool blocks;
    private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Remembered> remembered = new ConcurrentHashMap<>();
    private final SecretKeySpec rememberKey;

    private record Failures(int count, long last) {
    }

    private record Remembered(Password stored, long until) {
    }

    public LoginGuard(LoginsSpec spec) {
        this(spec, System::nanoTime, Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors())));
    }

    LoginGuard(LoginsSpec spec, LongSupplier nanoTime, int hashingAtOnce) {
        this.spec = spec;
        this.nanoTime = nanoTime;
        this.hashing = new Semaphore(hashingAtOnce, true);
        // Argon2's blocks are 1 KiB: enough for hashingAtOnce checks with the default parameters
        this.blocks = new Argon2BytesGenerator.FixedBlockPool(hashingAtOnce * PasswordHashing.ARGON2_MEMORY_KIB);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.rememberKey = new SecretKeySpec(key, "HmacSHA256");
    }

    /** Applies a reloaded logins section; counts and locks so far stay. */
    public void update(LoginsSpec next) {
        spec = next;
    }

    /**
     * Whether the user name of the users file, whose stored password is stored, may log in with
     * given (UTF-8): the password is right and the user is not locked out.
     */
    boolean login(String name, Password stored, byte[] given) {
        LoginsSpec s = spec;
        if (!locked(name, s) && remembered(name, stored, given)) {
            failures.remove(name);
            return true;
        }
        boolean right;
        try {
            right = hashed(() -> PasswordHashing.matches(stored, given, blocks));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false; // the server is stopping: no answer, and no failure of the user's
        }
        if (!right) {
            failed(name, s);
            return false;
        }
        if (locked(name, s)) {
            return false;
        }
        failures.remove(name);
        remember(name, stored, given);
        return true;
    }

    /**
     * Checks given against a password that matches nothing, as long as a known user's check takes:
     * for names that are not in the users file. Counts nothing.
     */
    void dummyCheck(Password dummy, byte[] given) {
        try {
            hashed(() -> PasswordHashing.matches(dummy, given, blocks));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether name is locked out now. */
    boolean locked(String name) {
        return locked(name, spec);
    }

    /** How many user names have failures on record (for tests: memory stays bounded). */
    int tracked() {
        return failures.size();
    }

    /** How many successful checks are remembered (for tests: memory stays bounded). */
    int rememberedCount() {
        return remembered.size();
    }

    private boolean locked(String name, LoginsSpec s) {
        Failures f = failures.get(name);
        return s.lockout() && f != null && f.count() >= s.lockoutFailures()
                && nanoTime.getAsLong() - f.last() < s.lockoutTime().toNanos();
    }

    private void failed(String name, LoginsSpec s) {
        if (!s.lockout()) {
            return;
        }
        long now = nanoTime.getAsLong();
        long window = s.lockoutTime().toNanos();
        Failures after = failures.compute(name, (n, before) -> before == null || now - before.last() >= window
                ? new Failures(1, now) : new Failures(before.count() + 1, now));
        if (after.count() == s.lockoutFailures()) {
            log.warn("login: user '{}' is locked out for {} after {} failed logins (logins.lockout-failures)", name,
                    human(s.lockoutTime()), after.count());
        }
        if (failures.size() > SWEEP_AT) {
            failures.entrySet().removeIf(e -> now - e.getValue().last() >= window);
        }
    }

    boolean hashed(BooleanSupplier check) throws InterruptedException {
        hashing.acquire();
        try {
            return check.getAsBoolean();
        } finally {
            hashing.release();
        }
    }

    private boolean remembered(String name, Password stored, byte[] given) {
        Remembered r = remembered.get(key(name, given));
        return r != null && r.stored().equals(stored) && nanoTime.getAsLong() - r.until() < 0;
    }

    private void remember(String name, Password stored, byte[] given) {
        long now = nanoTime.getAsLong();
        if (remembered.size() >= MAX_REMEMBERED) {
            remembered.values().removeIf(r -> now - r.until() >= 0);
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear();
            }
        }
        remembered.put(key(name, given), new Remembered(stored, now + REMEMBERED.toNanos()));
    }

    private String key(String name, byte[] given) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(rememberKey);
            mac.update(name.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return Base64.getEncoder().encodeToString(mac.doFinal(given));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java platform has HmacSHA256", e);
        }
    }

    /** As the config file writes it: 5m, 90s, 1500ms. */
    private static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 60_000 == 0 ? ms / 60_000 + "m" : ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
