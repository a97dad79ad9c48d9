package dev.container.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.config.Limits;
import dev.container.config.PlanBuilder;
import io.undertow.UndertowOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;

/** Each limit of the config lands on the Undertow option that enforces it. */
class LimitsOptionsTest {
    @Test
    void every_limit_maps_onto_its_undertow_option() {
        OptionMap options = HttpServer.serverOptions(new Limits(10_000, 4096, Duration.ofSeconds(7),
                Duration.ofMillis(1500), 50, 32, 2048, 20, Duration.ofSeconds(30), 512, Duration.ofSeconds(9)));
        assertThat(options.get(UndertowOptions.MAX_ENTITY_SIZE)).isEqualTo(10_000L);
        assertThat(options.get(UndertowOptions.MULTIPART_MAX_ENTITY_SIZE)).isEqualTo(10_000L);
        assertThat(options.get(UndertowOptions.MAX_HEADER_SIZE)).isEqualTo(4096);
        assertThat(options.get(UndertowOptions.MAX_HEADERS)).isEqualTo(20);
        assertThat(options.get(UndertowOptions.NO_REQUEST_TIMEOUT)).isEqualTo(7000);
        assertThat(options.get(UndertowOptions.REQUEST_PARSE_TIMEOUT)).isEqualTo(1500);
        assertThat(options.get(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS)).isEqualTo(32);
    }

    @Test
    void unlimited_body_and_zero_timeouts_set_no_limit() {
        Limits d = PlanBuilder.DEFAULT_LIMITS;
        OptionMap options = HttpServer.serverOptions(new Limits(Limits.UNLIMITED, d.maxHeaderSize(), Duration.ZERO,
                Duration.ZERO, d.maxConnections(), d.http2MaxConcurrentStreams(), d.maxRequestLine(), d.maxHeaders(), d.bodyTimeout(), d.bodyMinRate(),
                Duration.ZERO));
        // not Undertow's default of 2 MiB, which applied before: no limit at all
        assertThat(options.get(UndertowOptions.MAX_ENTITY_SIZE)).isEqualTo(-1L);
        assertThat(options.get(UndertowOptions.MULTIPART_MAX_ENTITY_SIZE)).isEqualTo(-1L);
        assertThat(options.get(UndertowOptions.NO_REQUEST_TIMEOUT)).isEqualTo(-1);
        assertThat(options.get(UndertowOptions.REQUEST_PARSE_TIMEOUT)).isEqualTo(-1);
    }
}
