package dev.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.container.config.PlanBuilder;
import dev.container.testing.SystemdUnit;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * conf/container.service: systemd reads it without a warning, its hardening scores as systemd
 * itself judges it, and what it says about the container matches the container (reload by SIGHUP,
 * stop within the shutdown timeout, the state directory, the exit status of a bad config).
 */
class SystemdUnitTest {
    @TempDir
    Path dir;

    static Path unitFile() {
        return Path.of(System.getProperty("conf.dir"), "container.service").toAbsolutePath().normalize();
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private record Run(int exit, String output) {
    }

    private static Run run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        return new Run(p.exitValue(), out);
    }

    /**
     * The unit, with its java replaced by this JVM's: verify checks that ExecStart's program
     * exists, and this is about the unit, not where this machine keeps java.
     */
    private Path unitWithThisJava() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String text = Files.readString(unitFile()).replace("ExecStart=/usr/bin/java ", "ExecStart=" + java + " ");
        return Files.writeString(dir.resolve("container.service"), text);
    }

    @Test
    void systemd_analyze_verify_reads_the_unit_without_a_warning() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze not found: install Debian's systemd package");
        Path unit = unitWithThisJava();

        Run verify = run(List.of("systemd-analyze", "verify", "--man=no", unit.toString()));

        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).as("what systemd-analyze verify said").isBlank();
    }

    @Test
    void systemd_analyze_verify_would_report_a_bad_setting() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze not found: install Debian's systemd package");
        Path unit = unitWithThisJava();
        Files.writeString(unit, Files.readString(unit).replace("Type=exec", "Type=exek"));

        Run verify = run(List.of("systemd-analyze", "verify", "--man=no", unit.toString()));

        assertThat(verify.output()).contains("Failed to parse service type").contains("exek");
    }

    @Test
    void systemd_analyze_security_rates_the_unit_ok() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze not found: install Debian's systemd package");
        Run version = run(List.of("systemd-analyze", "--version"));
        int systemd = Integer.parseInt(version.output().replaceAll("(?s)^systemd (\\d+).*", "$1"));
        assumeTrue(systemd >= 250, "systemd-analyze security --offline needs systemd 250 or later, found " + systemd);
        Path unit = unitWithThisJava();

        // 0 is locked down, 10 is no protection; systemd calls up to 4.9 "OK"
        Run security = run(List.of("systemd-analyze", "security", "--offline=true", "--threshold=25", unit.toString()));

        assertThat(security.exit()).as(security.output()).isZero();
        assertThat(security.output()).containsPattern("Overall exposure level for container.service: [0-2]\\.\\d OK");
    }

    @Test
    void the_unit_reloads_by_sighup_and_waits_longer_than_the_shutdown_timeout_to_stop() throws Exception {
        SystemdUnit unit = SystemdUnit.read(unitFile());

        assertThat(unit.value("Service.ExecReload")).isEqualTo("/bin/kill -HUP $MAINPID");
        assertThat(unit.entries()).doesNotContainKey("Service.KillSignal"); // SIGTERM: the graceful stop
        assertThat(unit.value("Service.KillMode")).isEqualTo("mixed"); // SIGTERM to the JVM; it stops its jobs' processes
        long stop = SystemdUnit.seconds(unit.value("Service.TimeoutStopSec"));
        long shutdown = PlanBuilder.DEFAULT_SHUTDOWN_TIMEOUT.toSeconds();
        assertThat(stop).as("TimeoutStopSec against shutdown-timeout %ss", shutdown).isBetween(shutdown + 5, shutdown + 20);
        assertThat(unit.value("Service.Restart")).isEqualTo("on-failure");
        assertThat(unit.value("Service.RestartPreventExitStatus")).isEqualTo(String.valueOf(CommandLine.ExitCode.USAGE));
    }

    @Test
    void a_node_whose_database_is_late_is_restarted_and_a_failed_start_for_good_is_not() throws Exception {
        SystemdUnit unit = SystemdUnit.read(unitFile());

        // on-failure restarts every exit status but 0 and those the unit names
        assertThat(unit.value("Service.Restart")).isEqualTo("on-failure");
        List<String> prevented = List.of(unit.value("Service.RestartPreventExitStatus").split("\\s+"));
        assertThat(prevented).contains(String.valueOf(StartupError.FINAL))
                .doesNotContain(String.valueOf(StartupError.TEMPORARY));
        assertThat(unit.entries()).doesNotContainKey("Service.SuccessExitStatus");
        assertThat(StartupError.TEMPORARY).isNotZero().isNotEqualTo(StartupError.FINAL);
    }

    @Test
    void the_unit_runs_as_its_own_user_with_one_capability_and_only_its_state_and_logs_writable() throws Exception {
        SystemdUnit unit = SystemdUnit.read(unitFile());

        assertThat(unit.value("Service.User")).isEqualTo("container").isNotEqualTo("root");
        assertThat(unit.value("Service.AmbientCapabilities")).isEqualTo("CAP_NET_BIND_SERVICE");
        assertThat(unit.value("Service.CapabilityBoundingSet")).isEqualTo("CAP_NET_BIND_SERVICE");
        assertThat(unit.value("Service.NoNewPrivileges")).isEqualTo("true");
        assertThat(unit.value("Service.ProtectSystem")).isEqualTo("strict");
        assertThat(unit.value("Service.PrivateTmp")).isEqualTo("true");
        assertThat(unit.entries()).doesNotContainKey("Service.ReadWritePaths");
        String state = "/var/lib/" + unit.value("Service.StateDirectory");
        List<String> start = unit.command("Service.ExecStart", java.util.Map.of());
        assertThat(start.get(start.indexOf("--state") + 1)).isEqualTo(state);
        assertThat(unit.value("Service.WorkingDirectory")).isEqualTo(state);
        assertThat(start).containsSubsequence("run", "--config", "/etc/" + unit.value("Service.ConfigurationDirectory")
                + "/container.conf");
        assertThat(new ArrayList<>(start)).contains("-XX:+ExitOnOutOfMemoryError");
    }
}
