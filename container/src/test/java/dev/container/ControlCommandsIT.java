package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.ContainerProcess;
import dev.container.testing.ControlApps;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control commands end to end: the packaged jar serves a config file, and the same jar, run
 * again as a command, reads its status and apps, is refused a broken reload (exit 2, the file and
 * line), and stops it (the server exits 0).
 */
class ControlCommandsIT {
    @TempDir
    Path dir;

    record Result(int status, String output) {
    }

    /** {@code java -jar container.jar args --state STATE}, its output (stdout and stderr) and exit status. */
    private Result command(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("container.jar")));
        command.addAll(List.of(args));
        command.addAll(List.of("--state", dir.resolve("state").toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s exits", args[0]).isTrue();
        return new Result(process.exitValue(), output);
    }

    @Test
    void status_apps_a_refused_reload_and_stop_through_the_packaged_jar() throws Exception {
        ControlApps.hello(dir.resolve("shop.war"), "hello");
        Path config = dir.resolve("container.conf");
        String valid = """
                listeners = ["127.0.0.1:0"]
                state-dir = state
                apps = [shop.war]
                """;
        Files.writeString(config, valid);
        try (ContainerProcess server = ContainerProcess.start("run", "--config", config.toString())) {
            Result status = command("status");
            assertThat(status.status()).as(status.output()).isZero();
            assertThat(status.output()).contains("pid " + server.pid()).containsPattern("ready: +yes")
                    .contains(server.url("http").toString()).containsPattern("apps: +1 \\(1 running\\)");

            Result apps = command("apps");
            assertThat(apps.status()).as(apps.output()).isZero();
            assertThat(apps.output()).containsPattern("/shop +running +0 +0 +0 +0 ");

            Files.writeString(config, valid + "listners = []\n");
            Result reload = command("reload");
            assertThat(reload.status()).as(reload.output()).isEqualTo(2);
            assertThat(reload.output()).contains(config + ":4: listners: unknown key").contains("1 problem");
            assertThat(server.awaitLine("reload of " + config + " refused", 0)).isNotEmpty();

            Result stop = command("stop");
            assertThat(stop.status()).as(stop.output()).isZero();
            assertThat(stop.output()).contains("(pid " + server.pid() + ") stopped");
            assertThat(server.awaitExit()).as(server.log()).isZero();
            assertThat(server.output()).anyMatch(l -> l.contains("stopped in"));
        }
        Result none = command("status");
        assertThat(none.status()).isEqualTo(1);
        assertThat(none.output()).isEqualTo("container: no running container found: " + dir.resolve("state/admin.json")
                + " does not exist (is a server running with this state directory, and its admin channel not off?)\n");
    }
}
