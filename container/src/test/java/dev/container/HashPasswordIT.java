package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.config.Users;
import dev.container.deploy.PasswordHashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code container hash-password} of the packaged jar at a real terminal (tmux): it asks twice
 * without echo, and prints a hash that checks; two different answers are refused.
 */
class HashPasswordIT {
    private static final Pattern HASH = Pattern.compile("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$\\S+");

    @TempDir
    Path dir;
    /** A tmux server of this test's own, by its socket: killing it ends nothing else. */
    private String socket;

    @BeforeEach
    void tmux() {
        dev.container.testing.MissingTools.require("tmux");
        socket = dir.resolve("tmux.sock").toString();
    }

    @AfterEach
    void killTmux() throws Exception {
        if (socket != null) {
            tmux("kill-server");
        }
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("tmux", "-S", socket));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private String screen() throws IOException, InterruptedException {
        return tmux("capture-pane", "-p", "-J", "-t", "hp");
    }

    private String waitFor(Predicate<String> shown) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String s = screen();
        while (!shown.test(s)) {
            assertThat(System.nanoTime()).as("the terminal shows:\n%s", s).isLessThan(deadline);
            Thread.sleep(100);
            s = screen();
        }
        return s;
    }

    private void start() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "'" + java + "' -jar '" + System.getProperty("container.jar") + "' hash-password; "
                + "echo EXIT=$?; sleep 60";
        tmux("new-session", "-d", "-s", "hp", "-x", "220", "-y", "20", command);
        waitFor(s -> s.contains("Password:"));
    }

    private void type(String text) throws Exception {
        tmux("send-keys", "-t", "hp", "-l", text);
        tmux("send-keys", "-t", "hp", "Enter");
    }

    @Test
    void asks_twice_without_echo_and_prints_a_hash_that_checks() throws Exception {
        start();
        type("s3cret tty pässwörd");
        waitFor(s -> s.contains("Again:"));
        type("s3cret tty pässwörd");
        String s = waitFor(x -> x.contains("EXIT="));
        assertThat(s).contains("EXIT=0").doesNotContain("s3cret");
        Matcher m = HASH.matcher(s);
        assertThat(m.find()).as(s).isTrue();
        Path users = Files.writeString(dir.resolve("users"), "ann = " + m.group() + "\n");
        Users.Password stored = Users.read(users).user("ann").orElseThrow().password();
        assertThat(PasswordHashing.matches(stored, "s3cret tty pässwörd".getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void two_different_answers_are_refused() throws Exception {
        start();
        type("first");
        waitFor(s -> s.contains("Again:"));
        type("second");
        String s = waitFor(x -> x.contains("EXIT="));
        assertThat(s).contains("container: hash-password: the two passwords differ").contains("EXIT=2")
                .doesNotContain("$argon2id$").doesNotContain("first").doesNotContain("second");
    }
}
