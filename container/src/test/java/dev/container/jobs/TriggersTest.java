package dev.container.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.config.CronSyntax;
import dev.container.config.JobSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quartz.CronTrigger;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;

/** The Quartz triggers of the two schedule forms skip missed runs instead of bursting. */
class TriggersTest {
    private static JobSpec job(JobSpec.Schedule schedule) {
        return new JobSpec("j", schedule, new JobSpec.RunCommand(List.of("true"), Optional.empty(), Map.of()),
                Duration.ofMinutes(1), Duration.ZERO, 5);
    }

    @Test
    void every_goes_on_at_its_next_regular_time_after_a_misfire() {
        Trigger t = Jobs.trigger(job(new JobSpec.Every(Duration.ofSeconds(4), Duration.ofSeconds(10))));
        assertThat(t).isInstanceOf(SimpleTrigger.class);
        assertThat(((SimpleTrigger) t).getRepeatInterval()).isEqualTo(4000);
        assertThat(t.getMisfireInstruction()).isEqualTo(SimpleTrigger.MISFIRE_INSTRUCTION_RESCHEDULE_NEXT_WITH_REMAINING_COUNT);
        assertThat(t.getStartTime().toInstant()).isAfter(Instant.now().plusSeconds(9));
    }

    @Test
    void cron_waits_for_its_next_time_after_a_misfire() {
        Trigger t = Jobs.trigger(job(new JobSpec.Cron("0 3 * * 1-5", CronSyntax.toQuartz("0 3 * * 1-5"))));
        assertThat(t).isInstanceOf(CronTrigger.class);
        assertThat(((CronTrigger) t).getCronExpression()).isEqualTo("0 0 3 ? * MON,TUE,WED,THU,FRI");
        assertThat(t.getMisfireInstruction()).isEqualTo(CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING);
    }
}
