package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.container.config.LoginsSpec;
import dev.container.testing.Samples;
import dev.container.testing.TestServer;
import dev.container.testing.BasicApp;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The lockout over real BASIC and FORM logins (the servlet sample's /servlet/account), with
 * argon2id and bcrypt users: repeated failures lock a user in every app, a locked user's right
 * password gets exactly a wrong one's answer, made-up names lock nothing, and the lock ends.
 */
class LoginLockoutTest {
    // "password", from the argon2 reference CLI and htpasswd -B (see logins/password-vectors.txt)
    private static final String ARGON2ID = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$PL01amPyeUuxG7H0vIr5X+qHkZvWnHmGBGXFYvh8z2E";
    private static final String BCRYPT = "$2y$05$j6AAfd3ID45U.TBor4xDcOHH7TsXD967wcBehPFbOPKJjMmS2hdKW";

    @TempDir
    static Path dir;
    static TestServer server;
    static final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        ((Logger) LoggerFactory.getLogger("container")).addAppender(log);
        log.start();
        Path users = Files.writeString(dir.resolve("users.properties"), """
                ann = %s, user, staff
                bea = %s, user, staff
                cid = %s, user, staff
                dan = %s, user, staff
                eve = %s, user, staff
                """.formatted(ARGON2ID, BCRYPT, ARGON2ID, BCRYPT, ARGON2ID));
        Path basic = basicWar();
        server = TestServer.start(dir.resolve("state"), p -> p
                .war(basic.toString())
                .war(Samples.servletWar().toString())
                .users(users));
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger("container")).detachAppender(log);
        server.close();
    }

    static Path basicWar() throws Exception {
        return BasicApp.war(dir.resolve("basic.war"));
    }

    static HttpResponse<String> basic(TestServer s, String user, String password) {
        return BasicApp.who(s, "/basic", user, password);
    }

    /** A FORM login at the servlet sample: the page's answer to j_security_check. */
    static HttpResponse<String> form(TestServer s, String user, String password) {
        String cookie = s.get("/servlet/account").headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        return s.send(HttpRequest.newBuilder(s.uri("/servlet/j_security_check"))
                .header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("j_username=" + user + "&j_password="
                        + URLEncoder.encode(password, StandardCharsets.UTF_8)))
                .build());
    }

    /** What a client can see of an answer: status, body, and the headers but the session cookie and date. */
    static String seen(HttpResponse<String> r) {
        StringBuilder s = new StringBuilder(r.statusCode() + "\n");
        r.headers().map().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("set-cookie") && !name.equalsIgnoreCase("date")) {
                s.append(name.toLowerCase()).append(": ").append(values).append('\n');
            }
        });
        return s.append(r.body()).toString();
    }

    static List<String> lockLines(String user) {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("user '" + user + "' is locked out")).toList();
    }

    @Test
    void basic_five_failures_lock_the_user_and_the_right_password_then_gets_a_wrong_ones_answer() {
        assertThat(basic(server, "ann", "password").body()).isEqualTo("user=ann");
        HttpResponse<String> wrong = null;
        for (int i = 0; i < 5; i++) {
            wrong = basic(server, "ann", "guess" + i);
            assertThat(wrong.statusCode()).isEqualTo(401);
        }
        HttpResponse<String> right = basic(server, "ann", "password");
        assertThat(seen(right)).isEqualTo(seen(wrong)).startsWith("401\n");
        assertThat(lockLines("ann")).containsExactly(
                "login: user 'ann' is locked out for 5m after 5 failed logins (logins.lockout-failures)");
        assertThat(basic(server, "dan", "password").body()).as("another user").isEqualTo("user=dan");
    }

    @Test
    void form_five_failures_lock_the_user_and_the_right_password_then_shows_the_error_page_too() {
        var wrong = form(server, "bea", "guess");
        assertThat(wrong.body()).contains("Sign-in failed");
        for (int i = 1; i < 5; i++) {
            form(server, "bea", "guess" + i);
        }
        var right = form(server, "bea", "password");
        assertThat(seen(right)).isEqualTo(seen(wrong));
        assertThat(lockLines("bea")).hasSize(1);
        var other = form(server, "dan", "password");
        assertThat(other.statusCode()).as("another user signs in").isEqualTo(302);
    }

    @Test
    void a_user_locked_through_one_app_is_locked_in_the_others() {
        for (int i = 0; i < 5; i++) {
            basic(server, "cid", "guess" + i);
        }
        assertThat(form(server, "cid", "password").body()).contains("Sign-in failed");
    }

    @Test
    void made_up_names_get_a_wrong_passwords_answer_and_lock_nothing() {
        var known = basic(server, "eve", "wrong");
        for (int i = 0; i < 50; i++) {
            assertThat(seen(basic(server, "nobody-" + i, "password"))).isEqualTo(seen(known));
        }
        for (int i = 0; i < 10; i++) {
            basic(server, "nobody", "password");
        }
        assertThat(lockLines("nobody")).isEmpty();
        assertThat(basic(server, "eve", "password").body()).isEqualTo("user=eve");
    }

    @Test
    void the_lock_ends_after_lockout_time() throws Exception {
        Path users = Files.writeString(dir.resolve("short.properties"), "fay = " + BCRYPT + ", staff\n");
        try (var s = TestServer.start(dir.resolve("state-short"), p -> p
                .war(dir.resolve("basic.war").toString())
                .users(users)
                .logins(new LoginsSpec(2, Duration.ofSeconds(1))))) {
            basic(s, "fay", "guess0");
            basic(s, "fay", "guess1");
            assertThat(basic(s, "fay", "password").statusCode()).isEqualTo(401);
            assertThat(lockLines("fay")).containsExactly(
                    "login: user 'fay' is locked out for 1s after 2 failed logins (logins.lockout-failures)");
            Thread.sleep(1_500);
            assertThat(basic(s, "fay", "password").body()).isEqualTo("user=fay");
        }
    }
}
