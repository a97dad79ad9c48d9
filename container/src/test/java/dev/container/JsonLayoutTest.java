package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonLayoutTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoggerContext context = new LoggerContext();
    private final JsonLayout layout = new JsonLayout();

    private LoggingEvent event(String logger, Level level, String message, Throwable error) {
        Logger l = context.getLogger(logger);
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), l, level, message, error, null);
        event.setInstant(Instant.parse("2026-11-22T10:15:30.123456Z"));
        event.setThreadName("worker-1");
        return event;
    }

    @Test
    void an_event_is_one_line_holding_one_json_object_with_every_field() throws Exception {
        String line = layout.doLayout(event("io.undertow.servlet", Level.INFO, "servlet sample: started", null));

        assertThat(line).endsWith("\n").doesNotContain("\r");
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode json = JSON.readTree(line);
        assertThat(json.properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("timestamp", "level", "logger", "thread", "message");
        assertThat(json.get("timestamp").asText()).isEqualTo("2026-11-22T10:15:30.123Z");
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("logger").asText()).isEqualTo("io.undertow.servlet");
        assertThat(json.get("thread").asText()).isEqualTo("worker-1");
        assertThat(json.get("message").asText()).isEqualTo("servlet sample: started");
    }

    @Test
    void the_timestamp_is_utc_whatever_the_default_time_zone() throws Exception {
        var zone = java.util.TimeZone.getDefault();
        try {
            java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Asia/Kolkata"));
            String line = new JsonLayout().doLayout(event("container", Level.INFO, "x", null));
            assertThat(JSON.readTree(line).get("timestamp").asText()).isEqualTo("2026-11-22T10:15:30.123Z");
        } finally {
            java.util.TimeZone.setDefault(zone);
        }
    }

    @Test
    void a_message_of_several_lines_with_quotes_and_control_characters_stays_one_line_and_reads_back_whole() throws Exception {
        String message = "TLS: created a local CA \"ca.crt\"\n  trust it with:\tsudo cp ...\\ \u0001 é ✓";
        String line = layout.doLayout(event("container", Level.WARN, message, null));

        assertThat(line.strip()).doesNotContain("\n");
        assertThat(JSON.readTree(line).get("message").asText()).isEqualTo(message);
    }

    @Test
    void an_exception_is_one_string_field_with_its_class_message_stack_and_cause() throws Exception {
        var failure = new IllegalStateException("why", new java.io.IOException("disk \"full\""));
        String line = layout.doLayout(event("container", Level.ERROR, "failed", failure));

        assertThat(line.strip()).doesNotContain("\n");
        JsonNode json = JSON.readTree(line);
        assertThat(json.get("message").asText()).isEqualTo("failed");
        assertThat(json.get("exception").isTextual()).isTrue();
        assertThat(json.get("exception").asText())
                .startsWith("java.lang.IllegalStateException: why")
                .contains("\tat dev.container.JsonLayoutTest.an_exception_is_one_string_field")
                .contains("Caused by: java.io.IOException: disk \"full\"");
    }
}
