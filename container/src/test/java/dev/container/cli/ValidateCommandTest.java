package dev.container.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code container validate FILE} and {@code container run --config FILE} on good and broken files. */
class ValidateCommandTest {
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

    private Path broken() throws Exception {
        return Files.writeString(dir.resolve("broken.conf"), """
                listners = [":8080"]
                shutdown-timeout = 30
                static = [ no-such-dir ]
                """);
    }

    @Test
    void valid_file_is_summarised_and_exits_0() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        Path conf = Files.writeString(dir.resolve("ok.conf"), "static = [site]\n");
        assertThat(run("validate", conf.toString())).isZero();
        assertThat(out.toString()).isEqualTo(conf + ": ok: 1 host, 0 apps, 1 static mount, 1 listener\n");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void every_problem_is_printed_with_file_and_line_and_exits_2() throws Exception {
        Path conf = broken();
        assertThat(run("validate", conf.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(
                conf + ":1: listners: unknown key; did you mean 'listeners'?\n"
                + conf + ":2: shutdown-timeout: expected a duration with a unit, such as 30s, 500ms, 5m or 1d, "
                + "got the bare number 30 (write 30s for seconds)\n"
                + conf + ":3: static[0]: no such directory: " + dir.resolve("no-such-dir") + "\n"
                + "3 problems\n");
    }

    @Test
    void missing_file_is_one_line() {
        assertThat(run("validate", dir.resolve("nope.conf").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(dir.resolve("nope.conf") + ": no such file\n1 problem\n");
    }

    @Test
    void syntax_error_has_its_line_and_no_stack_trace() throws Exception {
        Path conf = Files.writeString(dir.resolve("syntax.conf"), "a = 1\nb = { c = }\nd = 2\n");
        assertThat(run("validate", conf.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith(conf + ":2: syntax error: ").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void run_with_a_broken_config_starts_nothing_and_reports_every_problem() throws Exception {
        Path conf = broken();
        assertThat(run("run", "--config", conf.toString(), "--listen", "127.0.0.1:bad")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(
                "container: " + conf + ":1: listners: unknown key; did you mean 'listeners'?\n"
                + "container: " + conf + ":2: shutdown-timeout: expected a duration with a unit, such as 30s, 500ms, 5m or 1d, "
                + "got the bare number 30 (write 30s for seconds)\n"
                + "container: " + conf + ":3: static[0]: no such directory: " + dir.resolve("no-such-dir") + "\n"
                + "container: --listen 127.0.0.1:bad: port 'bad' is not a number\n");
    }

    @Test
    void help_lists_validate_and_the_config_option() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("validate");
        assertThat(run("run", "--help")).isZero();
        assertThat(out.toString()).contains("--config=FILE");
    }
}
