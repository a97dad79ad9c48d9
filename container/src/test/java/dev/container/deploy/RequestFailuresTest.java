package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The log lines of failed requests: the first of a kind, then one per window with the count of repeats. */
class RequestFailuresTest {
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("container");

    @BeforeEach
    void watch() {
        logger.addAppender(log);
        log.start();
    }

    @AfterEach
    void unwatch() {
        logger.detachAppender(log);
    }

    private static HttpServerExchange request(String uri) {
        HttpServerExchange exchange = new HttpServerExchange(null);
        exchange.setRequestMethod(Methods.GET);
        exchange.setRequestURI(uri);
        return exchange;
    }

    private static IllegalStateException failure() {
        return new IllegalStateException("database down"); // one frame: this line
    }

    @Test
    void repeats_of_a_failure_are_counted_and_reported_on_the_first_line_after_the_window() throws Exception {
        var failures = new RequestFailures("/shop", false, TimeUnit.MILLISECONDS.toNanos(300));
        for (int i = 0; i < 5; i++) {
            assertThat(failures.handleThrowable(request("/shop/cart/" + i), null, null, failure())).isFalse();
        }
        failures.handleThrowable(request("/shop/other"), null, null, new IllegalArgumentException("bad id"));
        Thread.sleep(400);
        failures.handleThrowable(request("/shop/cart/9"), null, null, failure());
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).satisfiesExactly(
                line -> assertThat(line).startsWith("app /shop: GET /shop/cart/0 failed: java.lang.IllegalStateException: "
                        + "database down at dev.container.deploy.RequestFailuresTest.failure(").endsWith(")"),
                line -> assertThat(line).startsWith("app /shop: GET /shop/other failed: java.lang.IllegalArgumentException: bad id"),
                line -> assertThat(line).startsWith("app /shop: GET /shop/cart/9 failed: java.lang.IllegalStateException: "
                        + "database down at ").endsWith(") (4 more like it since the last line, not logged)"));
    }

    private static java.io.IOException thrownAt(String type) {
        var e = new java.io.IOException("boom");
        e.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("sun.nio.ch.FileDispatcherImpl", "write0", null, -2),
                new StackTraceElement(type, "work", "X.java", 1)});
        return e;
    }

    @Test
    void io_errors_of_the_clients_connection_are_told_from_the_servers_and_the_apps() {
        assertThat(RequestFailures.clientIo(new jakarta.servlet.ServletException(
                thrownAt("io.undertow.conduits.FixedLengthStreamSourceConduit")))).isTrue();
        assertThat(RequestFailures.clientIo(thrownAt("org.xnio.nio.NioSocketConduit"))).isTrue();
        assertThat(RequestFailures.clientIo(thrownAt("io.undertow.servlet.spec.ServletOutputStreamImpl"))).isTrue();
        // a full disk under an upload, the app's own I/O: not the client's
        assertThat(RequestFailures.clientIo(thrownAt("io.undertow.server.handlers.form.MultiPartParserDefinition$MultiPartUploadHandler")))
                .isFalse();
        assertThat(RequestFailures.clientIo(thrownAt("shop.Catalog"))).isFalse();
        assertThat(RequestFailures.clientIo(new IllegalStateException("no I/O"))).isFalse();
    }
}
