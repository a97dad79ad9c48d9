package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.container.config.LoginsSpec;
import dev.container.config.Plan;
import dev.container.config.PlanBuilder;
import dev.container.testing.TestServer;
import dev.container.testing.BasicApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What the server says about the users file at start and at reload, and a reloaded logins section. */
class LoginsReloadTest {
    // "password": argon2 reference CLI, see logins/password-vectors.txt
    private static final String ARGON2ID = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$PL01amPyeUuxG7H0vIr5X+qHkZvWnHmGBGXFYvh8z2E";
    private static final String SHA = "{SHA-256}pepper$b54c2ffbe1460e44e685bc10f79b0311b9da475b29e45ff9247f50be0a24b450";

    @TempDir
    Path dir;
    private TestServer server;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        ((Logger) LoggerFactory.getLogger("container")).addAppender(log);
        log.start();
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger("container")).detachAppender(log);
        if (server != null) {
            server.close();
        }
    }

    private Plan plan(Path war, Path users, LoginsSpec logins) {
        return new PlanBuilder().listen("127.0.0.1:" + server.port()).stateDir(dir.resolve("state"))
                .shutdownTimeout(Duration.ofSeconds(5)).war(war.toString()).users(users).logins(logins).build();
    }

    private List<String> warnings() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("users: ")).toList();
    }

    @Test
    void each_plain_text_or_sha256_password_is_warned_about_once_at_start_and_again_only_for_a_changed_file()
            throws Exception {
        Path war = BasicApp.war(dir.resolve("app.war"));
        Path users = Files.writeString(dir.resolve("users.properties"), """
                # staff
                ann = wonderland, staff
                bob = %s, staff
                cid = %s, staff
                """.formatted(SHA, ARGON2ID));
        server = TestServer.start(dir.resolve("state"), p -> p.war(war.toString()).users(users));
        assertThat(warnings()).containsExactly(
                "users: " + users + ":2: user 'ann' has a plain-text password: whoever reads this file can log in as"
                        + " ann; put the output of 'container hash-password' in its place",
                "users: " + users + ":3: user 'bob' has a {SHA-256} password (deprecated: one round of SHA-256 falls"
                        + " to an offline guesser in minutes); put the output of 'container hash-password' in its place");
        assertThat(log.list).allSatisfy(e -> assertThat(e.getFormattedMessage())
                .doesNotContain("wonderland").doesNotContain("pepper"));
        assertThat(BasicApp.who(server, "/app", "ann", "wonderland").body()).isEqualTo("user=ann");

        server.container().reload(plan(war, users, LoginsSpec.DEFAULT));
        assertThat(warnings()).as("the same file again").hasSize(2);

        Files.writeString(users, "ann = wonderland, staff\ncid = " + ARGON2ID + ", staff\ndan = hunter2, staff\n");
        server.container().reload(plan(war, users, LoginsSpec.DEFAULT));
        assertThat(warnings()).hasSize(4).last().asString().contains(users + ":3: user 'dan' has a plain-text password");
        assertThat(BasicApp.who(server, "/app", "dan", "hunter2").body()).isEqualTo("user=dan");
    }

    @Test
    void a_reloaded_logins_section_applies_at_once_and_keeps_the_counts() throws Exception {
        Path war = BasicApp.war(dir.resolve("app.war"));
        Path users = Files.writeString(dir.resolve("users.properties"), "cid = " + ARGON2ID + ", staff\n");
        server = TestServer.start(dir.resolve("state"), p -> p.war(war.toString()).users(users)
                .logins(new LoginsSpec(3, Duration.ofMinutes(5))));
        BasicApp.who(server, "/app", "cid", "guess0");
        BasicApp.who(server, "/app", "cid", "guess1");
        server.container().reload(plan(war, users, new LoginsSpec(2, Duration.ofMinutes(5))));
        assertThat(BasicApp.who(server, "/app", "cid", "password").statusCode()).as("2 failures so far lock under the new section")
                .isEqualTo(401);
        server.container().reload(plan(war, users, new LoginsSpec(0, Duration.ofMinutes(5))));
        assertThat(BasicApp.who(server, "/app", "cid", "password").body()).as("lockout off").isEqualTo("user=cid");
        assertThat(server.container().plan().logins()).isEqualTo(new LoginsSpec(0, Duration.ofMinutes(5)));
    }
}
