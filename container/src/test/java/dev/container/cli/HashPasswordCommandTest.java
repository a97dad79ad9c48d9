package dev.container.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.config.Users;
import dev.container.deploy.PasswordHashing;
import dev.container.testing.MissingTools;
import dev.container.testing.TestServer;
import dev.container.testing.BasicApp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code container hash-password}, run through picocli with its standard input given. */
class HashPasswordCommandTest {
    private static final String ARGON2_PHC = "\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}";

    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(byte[] stdin, String... args) {
        return new CommandLine(new HashPasswordCommand(new ByteArrayInputStream(stdin), () -> null))
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
    }

    private int run(String stdin, String... args) {
        return run(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    /** The printed hash, read back as a users file reads it. */
    private Users.Password printed() throws IOException {
        String hash = out.toString().strip();
        Path file = Files.writeString(dir.resolve("users-" + System.nanoTime()), "ann = " + hash + ", staff\n");
        return Users.read(file).user("ann").orElseThrow().password();
    }

    private static boolean matches(Users.Password stored, String password) {
        return PasswordHashing.matches(stored, password.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void one_line_of_stdin_gives_an_argon2id_phc_string_with_owasp_parameters() throws IOException {
        assertThat(run("correct horse battery staple\n")).isZero();
        assertThat(out.toString()).matches(ARGON2_PHC + "\n");
        assertThat(err.toString()).isEmpty();
        Users.Password stored = printed();
        assertThat(matches(stored, "correct horse battery staple")).isTrue();
        assertThat(matches(stored, "correct horse battery stapl")).isFalse();
    }

    @Test
    void only_the_first_line_counts_and_a_crlf_or_missing_line_end_is_not_part_of_the_password() throws IOException {
        assertThat(run("pässwörd\r\nsecond line\n")).isZero();
        assertThat(matches(printed(), "pässwörd")).isTrue();
        out.getBuffer().setLength(0);
        assertThat(run("no line end")).isZero();
        assertThat(matches(printed(), "no line end")).isTrue();
    }

    @Test
    void each_run_takes_a_fresh_salt() {
        run("same\n");
        String first = out.toString();
        out.getBuffer().setLength(0);
        run("same\n");
        assertThat(out.toString()).isNotEqualTo(first);
    }

    @Test
    void bcrypt_on_request() throws IOException {
        assertThat(run("Tr0ub4dor&3\n", "--algorithm", "bcrypt")).isZero();
        assertThat(out.toString()).matches("\\$2b\\$10\\$[./A-Za-z0-9]{53}\n");
        assertThat(matches(printed(), "Tr0ub4dor&3")).isTrue();
        assertThat(matches(printed(), "Tr0ub4dor&4")).isFalse();
    }

    @Test
    void bcrypt_refuses_a_password_it_would_cut_at_72_bytes() {
        assertThat(run("x".repeat(73) + "\n", "--algorithm", "bcrypt")).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEqualTo("container: hash-password: bcrypt reads only the first 72 bytes of a "
                + "password and this one has 73; use argon2id\n");
        assertThat(run("x".repeat(73) + "\n")).as("argon2id takes it").isZero();
    }

    @Test
    void nothing_on_stdin_an_empty_line_or_bytes_that_are_not_utf8_are_one_line_errors() {
        assertThat(run("")).isEqualTo(2);
        assertThat(run("\n")).isEqualTo(2);
        assertThat(run(new byte[] {'p', (byte) 0xe4, 's', 's', '\n'})).isEqualTo(2);
        assertThat(run("y".repeat(5000))).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEqualTo(
                "container: hash-password: no password on standard input (give one line, or run it at a terminal)\n"
                + "container: hash-password: the password is empty\n"
                + "container: hash-password: the password is not UTF-8 text (logins send it as UTF-8)\n"
                + "container: hash-password: the password is longer than 4096 bytes\n");
    }

    @Test
    void an_unknown_algorithm_is_a_usage_error() {
        int code = ContainerCommand.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("hash-password", "--algorithm", "md5");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("container: Invalid value for option '--algorithm': expected one of "
                + "[argon2id, bcrypt]");
    }

    @Test
    void container_help_lists_it_and_its_help_shows_the_examples() {
        ContainerCommand.commandLine().setOut(new PrintWriter(out, true)).execute("--help");
        assertThat(out.toString()).contains("hash-password");
        out.getBuffer().setLength(0);
        ContainerCommand.commandLine().setOut(new PrintWriter(out, true)).execute("hash-password", "--help");
        assertThat(out.toString()).contains("--algorithm=ALGORITHM")
                .contains("  printf '%s\\n' \"$PASSWORD\" | container hash-password\n");
    }

    @Test
    void its_hashes_log_in_over_http_with_basic() throws Exception {
        assertThat(run("argon-pw\n")).isZero();
        String argon = out.toString().strip();
        out.getBuffer().setLength(0);
        assertThat(run("bcrypt-pw\n", "--algorithm", "bcrypt")).isZero();
        String bcrypt = out.toString().strip();
        Path users = Files.writeString(dir.resolve("users.properties"),
                "ann = " + argon + ", staff\nbea = " + bcrypt + ", staff\n");
        Path war = BasicApp.war(dir.resolve("app.war"));
        try (var server = TestServer.start(dir.resolve("state"), p -> p.war(war.toString()).users(users))) {
            assertThat(BasicApp.who(server, "/app", "ann", "argon-pw").body()).isEqualTo("user=ann");
            assertThat(BasicApp.who(server, "/app", "bea", "bcrypt-pw").body()).isEqualTo("user=bea");
            assertThat(BasicApp.who(server, "/app", "ann", "bcrypt-pw").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void its_argon2id_string_is_what_the_reference_argon2_cli_prints_for_the_same_salt() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/argon2")),
                "argon2 is not installed (Debian package argon2)");
        String password = "pässwörd with spaces";
        for (int attempt = 0; attempt < 20; attempt++) {
            out.getBuffer().setLength(0);
            assertThat(run(password + "\n")).isZero();
            String ours = out.toString().strip();
            byte[] salt = ((Users.Argon2id) printed()).saltBytes();
            // The CLI takes the salt as an argument: no NUL byte, and the shell would eat a final newline.
            if (HexFormat.of().formatHex(salt).matches("(..)*00.*") || salt[salt.length - 1] == '\n') {
                continue;
            }
            StringBuilder escaped = new StringBuilder();
            for (byte b : salt) {
                escaped.append("\\x").append(HexFormat.of().toHexDigits(b));
            }
            MissingTools.require("argon2"); // run through bash, which only says "command not found"
            Process cli = new ProcessBuilder("bash", "-c",
                    "printf %s \"$1\" | argon2 \"$(printf \"$2\")\" -id -t 2 -k 19456 -p 1 -l 32 -e",
                    "argon2", password, escaped.toString()).redirectErrorStream(true).start();
            assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String reference = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(cli.exitValue()).as(reference).isZero();
            assertThat(ours).isEqualTo(reference);
            return;
        }
        throw new AssertionError("20 salts in a row had a NUL byte or ended in a newline");
    }

    @Test
    void its_bcrypt_hash_is_accepted_by_htpasswd() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/htpasswd")),
                "htpasswd is not installed (Debian package apache2-utils)");
        assertThat(run("Tr0ub4dor&3\n", "--algorithm", "bcrypt")).isZero();
        Path file = Files.writeString(dir.resolve("htpasswd"), "ann:" + out.toString().strip() + "\n");
        assertThat(htpasswdVerifies(file, "Tr0ub4dor&3")).isTrue();
        assertThat(htpasswdVerifies(file, "Tr0ub4dor&4")).isFalse();
    }

    private static boolean htpasswdVerifies(Path file, String password) throws Exception {
        Process p = new ProcessBuilder("htpasswd", "-vb", file.toString(), "ann", password).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0;
    }
}
