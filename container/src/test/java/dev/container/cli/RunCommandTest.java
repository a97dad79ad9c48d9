package dev.container.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.Samples;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrong input exits 2 with one clear line naming the value, and no stack trace. */
class RunCommandTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return ContainerCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
    }

    @Test
    void missing_war_file_is_named() {
        assertThat(run("run", "--war", "nowhere/shop.war")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(
                "container: --war nowhere/shop.war: no such file or directory: nowhere/shop.war\n");
    }

    @Test
    void file_that_is_not_a_zip_is_named() throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.war"), "plain text");
        assertThat(run("run", "--war", notes.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("container: --war " + notes + ": not a WAR (zip) file: " + notes + "\n");
    }

    @Test
    void duplicate_context_path_names_both_arguments() {
        String war = Samples.servletWar().toString();
        assertThat(run("run", "--war", war, "--war", war)).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(
                "container: --war " + war + ": path /servlet is already served by --war " + war + "\n");
    }

    @Test
    void bad_listen_address_is_named() {
        assertThat(run("run", "--static", dir.toString(), "--listen", "127.0.0.1:eighty")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("container: --listen 127.0.0.1:eighty: port 'eighty' is not a number\n");
    }

    @Test
    void port_in_use_is_named() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThat(run("run", "--static", dir.toString(), "--state", dir.resolve("state").toString(),
                    "--listen", "127.0.0.1:" + port)).isEqualTo(2);
            assertThat(err.toString()).isEqualTo(
                    "container: cannot listen on 127.0.0.1:" + port + ": Address already in use\n");
        }
    }

    @Test
    void unknown_option_is_named_with_a_hint() {
        assertThat(run("run", "--wat")).isEqualTo(2);
        assertThat(err.toString()).startsWith("container: Unknown option: '--wat'")
                .contains("Try 'container run --help' for more information.")
                .doesNotContain("at dev.container");
    }

    @Test
    void nothing_to_serve_is_an_error() {
        assertThat(run("run")).isEqualTo(2);
        assertThat(err.toString()).startsWith("container: nothing to serve: give at least one --war or --static\n");
    }

    @Test
    void help_lists_every_run_option() {
        assertThat(run("run", "--help")).isZero();
        assertThat(out.toString()).contains("--war=PATH[:/CTX]", "--static=DIR[:/PREFIX]", "--listen=[HOST]:PORT",
                "--state=DIR", "--browse", "--version");
    }

    @Test
    void version_names_the_product() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("container ");
    }

    @Test
    void bad_users_file_names_the_file_and_line_without_a_stack_trace() throws Exception {
        Path users = Files.writeString(dir.resolve("users.properties"), "# users\nalice = \n");
        assertThat(run("run", "--static", dir.toString(), "--users", users.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("container: --users " + users + ":2: user 'alice' has an empty password\n");
    }

    @Test
    void missing_users_file_is_named() {
        assertThat(run("run", "--static", dir.toString(), "--users", "nowhere/users.properties")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("container: --users nowhere/users.properties: no such file\n");
    }

    @Test
    void help_describes_the_users_file() {
        assertThat(run("run", "--help")).isEqualTo(0);
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("--users=FILE").contains("name = password, role1, role2")
                .contains("container hash-password").contains("{SHA-256}SALT$HEX");
    }
}
