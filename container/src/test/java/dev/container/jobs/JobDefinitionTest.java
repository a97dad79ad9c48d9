package dev.container.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.container.config.CronSyntax;
import dev.container.config.Header;
import dev.container.config.JobSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A cluster keeps each job's spec as text in Quartz's job data: every kind reads back equal. */
class JobDefinitionTest {
    private static JobSpec job(JobSpec.Schedule schedule, JobSpec.Action action) {
        return new JobSpec("nightly-1", schedule, action, Duration.ofMinutes(3), Duration.ofMillis(1500), 7);
    }

    @Test
    void a_command_on_a_cron_schedule_reads_back_equal() {
        JobSpec spec = job(new JobSpec.Cron("0 3 * * 1-5", CronSyntax.toQuartz("0 3 * * 1-5")),
                new JobSpec.RunCommand(List.of("sh", "-c", "echo \"quoted\" 'and' \\ back\nslash"),
                        Optional.of(Path.of("/var/lib/work dir")), Map.of("B", "2", "A", "ü")));
        assertThat(JobDefinition.decode(JobDefinition.encode(spec))).isEqualTo(spec);
    }

    @Test
    void an_http_call_every_interval_reads_back_equal() {
        JobSpec spec = job(new JobSpec.Every(Duration.ofMillis(2500), Duration.ofHours(1)),
                new JobSpec.CallHttp("PUT", "/app/tick?x=1", Optional.of("b"),
                        List.of(new Header("X-Token", "secret"), new Header("X-Token", "twice")), "a=1&b=2"));
        assertThat(JobDefinition.decode(JobDefinition.encode(spec))).isEqualTo(spec);
    }

    @Test
    void a_class_with_jars_and_data_reads_back_equal() {
        JobSpec spec = job(new JobSpec.Every(Duration.ofSeconds(2), Duration.ZERO),
                new JobSpec.RunClass("lib.Hello", Optional.of("/shop"), Optional.empty(),
                        List.of(Path.of("/opt/jobs/a.jar"), Path.of("/opt/jobs/b.jar")), Map.of("who", "world")));
        assertThat(JobDefinition.decode(JobDefinition.encode(spec))).isEqualTo(spec);
    }

    @Test
    void equal_specs_give_equal_text_and_a_change_gives_another() {
        JobSpec a = job(new JobSpec.Every(Duration.ofSeconds(2), Duration.ZERO),
                new JobSpec.RunCommand(List.of("true"), Optional.empty(), Map.of("X", "1", "Y", "2")));
        JobSpec same = job(new JobSpec.Every(Duration.ofSeconds(2), Duration.ZERO),
                new JobSpec.RunCommand(List.of("true"), Optional.empty(), Map.of("Y", "2", "X", "1")));
        JobSpec other = job(new JobSpec.Every(Duration.ofSeconds(3), Duration.ZERO),
                new JobSpec.RunCommand(List.of("true"), Optional.empty(), Map.of("X", "1", "Y", "2")));
        assertThat(JobDefinition.encode(same)).isEqualTo(JobDefinition.encode(a));
        assertThat(JobDefinition.encode(other)).isNotEqualTo(JobDefinition.encode(a));
    }

    @Test
    void text_of_another_version_is_refused_not_misread() {
        assertThatThrownBy(() -> JobDefinition.decode("{\"v\":2,\"name\":\"x\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another version");
        assertThatThrownBy(() -> JobDefinition.decode("not json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a job definition");
    }
}
