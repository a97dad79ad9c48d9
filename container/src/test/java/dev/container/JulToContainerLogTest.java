package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class JulToContainerLogTest {
    private final Logger target = (Logger) LoggerFactory.getLogger("jul.test");
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();

    @BeforeEach
    void capture() {
        events.start();
        target.addAppender(events);
    }

    @AfterEach
    void release() {
        target.detachAppender(events);
    }

    @Test
    void jul_record_reaches_the_container_log_with_its_level_parameters_and_exception() {
        JulToContainerLog.install();
        var failure = new IllegalStateException("boom");
        java.util.logging.Logger.getLogger("jul.test").log(java.util.logging.Level.WARNING, "disk {0} is full", new Object[] {"sda"});
        java.util.logging.Logger.getLogger("jul.test").log(java.util.logging.Level.SEVERE, "failed", failure);

        assertThat(events.list).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Level.WARN, "disk sda is full"),
                        org.assertj.core.groups.Tuple.tuple(Level.ERROR, "failed"));
        assertThat(events.list.get(1).getThrowableProxy().getMessage()).isEqualTo("boom");
    }

    @Test
    void installing_twice_leaves_one_handler_and_no_console_handler() {
        JulToContainerLog.install();
        JulToContainerLog.install();

        var handlers = java.util.logging.Logger.getLogger("").getHandlers();
        assertThat(Arrays.stream(handlers).filter(h -> h instanceof JulToContainerLog)).hasSize(1);
        assertThat(handlers).noneMatch(h -> h instanceof java.util.logging.ConsoleHandler);
    }
}
