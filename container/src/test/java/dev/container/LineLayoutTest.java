package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

class LineLayoutTest {
    private final LoggerContext context = new LoggerContext();
    private final LineLayout layout = new LineLayout();

    private LoggingEvent event(String logger, Level level, String message, Throwable error) {
        Logger l = context.getLogger(logger);
        return new LoggingEvent(Logger.class.getName(), l, level, message, error, null);
    }

    @Test
    void prints_time_padded_level_short_logger_name_and_message_on_one_line() {
        String line = layout.doLayout(event("io.undertow.servlet", Level.INFO, "servlet sample: started", null));
        assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  servlet: servlet sample: started\\R");
    }

    @Test
    void long_level_names_keep_one_space() {
        assertThat(layout.doLayout(event("container", Level.ERROR, "x", null))).contains(" ERROR container: x");
    }

    @Test
    void stack_trace_follows_the_line_when_there_is_one() {
        String text = layout.doLayout(event("container", Level.WARN, "failed", new IllegalStateException("why")));
        assertThat(text).contains("WARN  container: failed").contains("java.lang.IllegalStateException: why")
                .contains("at dev.container.LineLayoutTest");
    }
}
