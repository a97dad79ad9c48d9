package dev.container.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** --job: one job in one line. */
class JobFlagTest {
    private final List<String> problems = new ArrayList<>();

    private JobSpec parse(String argument) {
        return JobFlag.parse(argument, List.of(), problems::add);
    }

    @Test
    void every_with_an_http_call() {
        JobSpec job = parse("tick every 5m http GET /app/tick");
        assertThat(job.name()).isEqualTo("tick");
        assertThat(job.schedule()).isEqualTo(new JobSpec.Every(Duration.ofMinutes(5), Duration.ZERO));
        assertThat(job.action()).isEqualTo(new JobSpec.CallHttp("GET", "/app/tick", Optional.empty(), List.of(), ""));
        assertThat(job.timeout()).isEqualTo(JobsSection.DEFAULT_TIMEOUT);
    }

    @Test
    void every_after_a_delay_with_a_command_and_quoted_arguments() {
        JobSpec job = parse("clean every 1h after 10s command sh -c 'rm -f tmp/*.old'");
        assertThat(job.schedule()).isEqualTo(new JobSpec.Every(Duration.ofHours(1), Duration.ofSeconds(10)));
        assertThat(job.action()).isEqualTo(new JobSpec.RunCommand(List.of("sh", "-c", "rm -f tmp/*.old"), Optional.empty(), Map.of()));
    }

    @Test
    void cron_in_quotes() {
        JobSpec job = parse("nightly cron '0 3 * * *' http /app/nightly");
        assertThat(job.schedule()).isEqualTo(new JobSpec.Cron("0 3 * * *", "0 0 3 * * ?"));
    }

    @Test
    void class_from_the_container_class_path() {
        JobSpec job = parse("count every 1s class dev.container.jobs.CountingJob");
        assertThat(job.action()).isInstanceOf(JobSpec.RunClass.class);
    }

    @Test
    void mistakes_are_one_line_each() {
        assertThat(parse("tick every 5 http /x")).isNull();
        assertThat(parse("tick cron 0 3 * * * http /x")).isNull();
        assertThat(parse("tick every 1s ftp /x")).isNull();
        assertThat(parse("tick every 1s class no.such.Job")).isNull();
        assertThat(parse("tick every 1s class x.Y in /shop")).isNull();
        assertThat(parse("tick every 1s command 'unclosed")).isNull();
        assertThat(problems).containsExactly(
                "every '5': expected a duration such as 4s, 5m or 1h",
                "cron '0': expected 5 fields (minute hour day-of-month month day-of-week) or Quartz's 6 or 7 (second first), "
                        + "got 1 (quote the expression: cron '*/5 * * * *')",
                JobFlag.USAGE,
                "class no.such.Job not found on the container's class path (add: in /CONTEXT-PATH)",
                "class x.Y: no app at /shop (give it with --war)",
                "unbalanced quotes");
    }
}
