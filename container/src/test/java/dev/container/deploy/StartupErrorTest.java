package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** An Error, not an exception, thrown by an app while it starts fails that app only. */
class StartupErrorTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    static void start() throws IOException {
        ((Logger) LoggerFactory.getLogger("container")).addAppender(log);
        log.start();
        // What a library does when the app's META-INF/services names a class of the wrong type.
        Path failing = new WarBuilder()
                .java("bad.Listener", """
                        package bad;
                        @jakarta.servlet.annotation.WebListener
                        public class Listener implements jakarta.servlet.ServletContextListener {
                            public void contextInitialized(jakarta.servlet.ServletContextEvent e) {
                                throw new java.util.ServiceConfigurationError("bad.Provider not a subtype");
                            }
                        }
                        """)
                .buildWar(dir.resolve("failing.war"));
        Path fine = new WarBuilder().file("index.html", "fine").buildWar(dir.resolve("fine.war"));
        server = TestServer.start(dir.resolve("state"), p -> p.war(failing.toString()).war(fine.toString()));
    }

    @AfterAll
    static void stop() {
        server.close();
        ((Logger) LoggerFactory.getLogger("container")).detachAppender(log);
    }

    @Test
    void app_throwing_an_error_at_startup_answers_503_and_is_named_in_one_log_line() {
        assertThat(server.get("/failing/").statusCode()).isEqualTo(503);
        assertThat(log.list).filteredOn(e -> e.getFormattedMessage().startsWith("app /failing failed to start"))
                .singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("ServiceConfigurationError: bad.Provider not a subtype"));
    }

    @Test
    void other_apps_start_and_serve_beside_it() {
        assertThat(server.get("/fine/").body()).isEqualTo("fine");
    }
}
