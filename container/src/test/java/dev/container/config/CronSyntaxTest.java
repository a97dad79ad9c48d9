package dev.container.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Unix cron lines become the Quartz expressions that fire at the same times. */
class CronSyntaxTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            */5 * * * *      | 0 */5 * * * ?
            0 3 * * *        | 0 0 3 * * ?
            30 8 1,15 * *    | 0 30 8 1,15 * ?
            0 9 * * 1-5      | 0 0 9 ? * MON,TUE,WED,THU,FRI
            0 9 * * 0        | 0 0 9 ? * SUN
            0 9 * * 7        | 0 0 9 ? * SUN
            0 9 * * 5-7      | 0 0 9 ? * SUN,FRI,SAT
            0 9 * * */2      | 0 0 9 ? * SUN,TUE,THU,SAT
            0 9 * * sat,SUN  | 0 0 9 ? * SUN,SAT
            0 0 1 jan *      | 0 0 0 1 jan ?
            @daily           | 0 0 0 * * ?
            @hourly          | 0 0 * * * ?
            @weekly          | 0 0 0 ? * SUN
            """)
    void unix_form_becomes_quartz(String unix, String quartz) {
        assertThat(CronSyntax.toQuartz(unix)).isEqualTo(quartz);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0 0/15 * * * ?
            */10 * * * * ?
            0 0 12 ? * WED
            0 15 10 L * ?
            0 0 12 * * ? 2099
            """)
    void quartz_form_passes_through(String quartz) {
        assertThat(CronSyntax.toQuartz(quartz)).isEqualTo(quartz);
    }

    @Test
    void both_day_fields_restricted_is_refused_rather_than_run_on_other_days() {
        assertThatThrownBy(() -> CronSyntax.toQuartz("0 9 1 * 1"))
                .hasMessageContaining("both day-of-month ('1') and day-of-week ('1') are restricted");
    }

    @Test
    void quartz_only_syntax_in_five_fields_is_refused() {
        assertThatThrownBy(() -> CronSyntax.toQuartz("0 9 ? * MON")).hasMessageContaining("'?' is Quartz syntax");
    }

    @Test
    void a_day_of_week_beyond_seven_is_refused() {
        assertThatThrownBy(() -> CronSyntax.toQuartz("0 9 * * 8")).hasMessageContaining("8 is not a day");
    }

    @Test
    void wrong_field_counts_and_values_are_refused() {
        assertThatThrownBy(() -> CronSyntax.toQuartz("* * *")).hasMessageContaining("expected 5 fields");
        assertThatThrownBy(() -> CronSyntax.toQuartz("61 * * * *")).hasMessageContaining("not a valid cron expression");
        assertThatThrownBy(() -> CronSyntax.toQuartz("@sometimes")).hasMessageContaining("unknown shortcut");
        assertThatThrownBy(() -> CronSyntax.toQuartz("0 0 0 1 1 ? 2000")).hasMessageContaining("never fires");
    }
}
