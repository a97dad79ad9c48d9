package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.container.config.LoginsSpec;
import dev.container.config.Users;
import io.undertow.security.idm.PasswordCredential;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The realm and the server's login guard: passwords, lockout (on a clock of the test's), memory bounds. */
class UserRealmTest {
    // argon2 reference CLI: echo -n password | argon2 somesalt -id -t 2 -k 256 -p 2 -e (see password-vectors.txt)
    private static final Users.Password CAROL = new Users.Argon2id(256, 2, 2, "c29tZXNhbHQ",
            "bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc");
    private static final Users USERS = new Users(Path.of("users.properties"), Map.of(
            "alice", new Users.User("alice", new Users.Plain("wonderland"), Set.of("user", "admin")),
            "bob", new Users.User("bob", new Users.SaltedSha256("pepper",
                    "b54c2ffbe1460e44e685bc10f79b0311b9da475b29e45ff9247f50be0a24b450"), Set.of("user")),
            "carol", new Users.User("carol", CAROL, Set.of("user"))));
    private static final Duration LOCK = Duration.ofMinutes(5);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LoginGuard guard = new LoginGuard(LoginsSpec.DEFAULT, now::get, 2);
    private final UserRealm realm = new UserRealm(Optional.of(USERS), guard);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        ((Logger) LoggerFactory.getLogger("container")).addAppender(log);
        log.start();
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger("container")).detachAppender(log);
    }

    private boolean login(String name, String password) {
        return realm.verify(name, new PasswordCredential(password.toCharArray())) != null;
    }

    private void pass(Duration d) {
        now.addAndGet(d.toNanos());
    }

    private List<String> lockLines() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("locked out")).toList();
    }

    @Test
    void right_plain_password_gives_the_users_account_and_roles() {
        var account = realm.verify("alice", new PasswordCredential("wonderland".toCharArray()));
        assertThat(account.getPrincipal().getName()).isEqualTo("alice");
        assertThat(account.getRoles()).containsExactlyInAnyOrder("user", "admin");
    }

    @Test
    void right_salted_and_argon2id_passwords_are_accepted() {
        assertThat(login("bob", "builder")).isTrue();
        assertThat(login("carol", "password")).isTrue();
    }

    @Test
    void wrong_password_prefix_or_unknown_user_is_refused() {
        assertThat(login("alice", "wonderlan")).isFalse();
        assertThat(login("alice", "wonderland ")).isFalse();
        assertThat(login("bob", "pepperbuilder")).isFalse();
        assertThat(login("carol", "Password")).isFalse();
        assertThat(login("nobody", "")).isFalse();
        assertThat(login("nobody", "wonderland")).isFalse();
    }

    @Test
    void without_a_users_file_every_login_fails() {
        assertThat(new UserRealm(Optional.empty(), guard).verify("alice", new PasswordCredential("wonderland".toCharArray())))
                .isNull();
    }

    @Test
    void five_failures_lock_the_user_and_then_even_the_right_password_is_refused() {
        for (int i = 0; i < 4; i++) {
            assertThat(login("carol", "guess" + i)).isFalse();
        }
        assertThat(guard.locked("carol")).isFalse();
        assertThat(login("carol", "guess4")).isFalse();
        assertThat(guard.locked("carol")).isTrue();
        assertThat(login("carol", "password")).as("right password while locked").isFalse();
        assertThat(login("alice", "wonderland")).as("other users are not locked").isTrue();
    }

    @Test
    void locking_is_logged_once_naming_the_user_and_the_time() {
        for (int i = 0; i < 9; i++) {
            login("carol", "guess" + i);
        }
        assertThat(lockLines()).containsExactly(
                "login: user 'carol' is locked out for 5m after 5 failed logins (logins.lockout-failures)");
        assertThat(log.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain("guess"));
    }

    @Test
    void the_lock_ends_lockout_time_after_the_last_failure() {
        for (int i = 0; i < 5; i++) {
            login("carol", "guess" + i);
        }
        pass(LOCK.minusSeconds(1));
        assertThat(login("carol", "password")).isFalse();
        pass(Duration.ofSeconds(1));
        assertThat(login("carol", "password")).isTrue();
    }

    @Test
    void failures_while_locked_keep_the_lock_going_as_tomcat_does() {
        for (int i = 0; i < 5; i++) {
            login("carol", "guess" + i);
        }
        pass(Duration.ofMinutes(4));
        login("carol", "guess5");
        pass(Duration.ofMinutes(4));
        assertThat(login("carol", "password")).isFalse();
        pass(Duration.ofMinutes(1));
        assertThat(login("carol", "password")).isTrue();
    }

    @Test
    void failures_further_apart_than_lockout_time_do_not_add_up() {
        for (int i = 0; i < 10; i++) {
            login("carol", "guess" + i);
            pass(LOCK.plusSeconds(1));
        }
        assertThat(guard.locked("carol")).isFalse();
        assertThat(login("carol", "password")).isTrue();
        assertThat(lockLines()).isEmpty();
    }

    @Test
    void a_successful_login_starts_the_count_again() {
        for (int i = 0; i < 4; i++) {
            login("alice", "guess" + i);
        }
        assertThat(login("alice", "wonderland")).isTrue();
        for (int i = 0; i < 4; i++) {
            login("alice", "guess" + i);
        }
        assertThat(guard.locked("alice")).isFalse();
    }

    @Test
    void lockout_failures_0_turns_the_lockout_off() {
        guard.update(new LoginsSpec(0, LOCK));
        for (int i = 0; i < 20; i++) {
            login("alice", "guess" + i);
        }
        assertThat(login("alice", "wonderland")).isTrue();
        assertThat(guard.tracked()).isZero();
    }

    @Test
    void a_reloaded_section_applies_to_the_next_failures() {
        guard.update(new LoginsSpec(2, Duration.ofSeconds(30)));
        login("alice", "guess0");
        login("alice", "guess1");
        assertThat(guard.locked("alice")).isTrue();
        pass(Duration.ofSeconds(30));
        assertThat(login("alice", "wonderland")).isTrue();
    }

    @Test
    void a_flood_of_made_up_names_is_not_tracked_and_locks_nothing() {
        for (int i = 0; i < 10_000; i++) {
            assertThat(login("nobody-" + i, "guess")).isFalse();
        }
        for (int i = 0; i < 10; i++) {
            login("nobody", "guess" + i);
        }
        assertThat(guard.tracked()).isZero();
        assertThat(lockLines()).isEmpty();
        assertThat(login("alice", "wonderland")).isTrue();
    }

    @Test
    void memory_is_bounded_by_the_users_of_the_file() {
        for (int i = 0; i < 3; i++) {
            for (String name : List.of("alice", "bob", "carol", "dave-" + i)) {
                login(name, "guess" + i);
            }
        }
        assertThat(guard.tracked()).isEqualTo(3);
    }

    @Test
    void a_remembered_success_is_not_used_while_the_user_is_locked() {
        assertThat(login("carol", "password")).isTrue();
        assertThat(guard.rememberedCount()).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            login("carol", "guess" + i);
        }
        assertThat(login("carol", "password")).isFalse();
    }

    @Test
    void a_remembered_success_is_not_used_for_a_changed_password() {
        assertThat(login("carol", "password")).isTrue();
        Users changed = new Users(Path.of("users.properties"), Map.of("carol", new Users.User("carol",
                new Users.Argon2id(256, 2, 2, "c29tZXNhbHQ", "T/XOJ2mh1/TIpJHfCdQan76Q5esCFVoT5MAeIM1Oq2E"), Set.of())));
        assertThat(new UserRealm(Optional.of(changed), guard).verify("carol",
                new PasswordCredential("password".toCharArray()))).isNull();
    }

    @Test
    void remembered_successes_are_bounded_and_expire() {
        Map<String, Users.User> many = new HashMap<>();
        for (int i = 0; i < LoginGuard.MAX_REMEMBERED + 500; i++) {
            many.put("u" + i, new Users.User("u" + i, new Users.Plain("pw" + i), Set.of()));
        }
        UserRealm big = new UserRealm(Optional.of(new Users(Path.of("many"), many)), guard);
        for (int i = 0; i < LoginGuard.MAX_REMEMBERED + 500; i++) {
            assertThat(big.verify("u" + i, new PasswordCredential(("pw" + i).toCharArray()))).isNotNull();
        }
        assertThat(guard.rememberedCount()).isLessThanOrEqualTo(LoginGuard.MAX_REMEMBERED);
    }

    @Test
    void unknown_names_are_checked_against_a_dummy_like_most_of_the_file() {
        Users.Password dummy = UserRealm.dummyFor(Optional.of(USERS), new SecureRandom());
        // alice (plain) and bob (SHA-256) are both fast: the fast kind is the most common
        assertThat(dummy).isInstanceOf(Users.SaltedSha256.class);
        Map<String, Users.User> hashed = new HashMap<>(USERS.byName());
        hashed.put("dave", new Users.User("dave", CAROL, Set.of()));
        Users.Password argon = UserRealm.dummyFor(Optional.of(new Users(Path.of("u"), hashed)), new SecureRandom());
        assertThat(argon).isInstanceOfSatisfying(Users.Argon2id.class, a -> {
            assertThat(List.of(a.memoryKib(), a.iterations(), a.parallelism())).containsExactly(256, 2, 2);
            assertThat(a.saltBytes()).hasSize(8);
            assertThat(a.hashBytes()).hasSize(32);
            assertThat(a).isNotEqualTo(CAROL);
        });
    }

    @Test
    void no_more_checks_run_at_once_than_the_guard_allows() throws Exception {
        LoginGuard one = new LoginGuard(LoginsSpec.DEFAULT, System::nanoTime, 1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> one.hashed(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    return true;
                })));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(most.get()).isEqualTo(1);
    }
}
