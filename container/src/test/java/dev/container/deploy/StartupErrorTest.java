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

/**
 * What an app throws while it starts fails that app only, an Error too, and its one log line
 * names the app's own frame that failed.
 */
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
        // What a library made for another server does: ask for that server's classes.
        Path needsJetty = new WarBuilder()
                .java("needs.Listener", """
                        package needs;
                        @jakarta.servlet.annotation.WebListener
                        public class Listener implements jakarta.servlet.ServletContextListener {
                            public void contextInitialized(jakarta.servlet.ServletContextEvent e) {
                                try {
                                    Class.forName("org.eclipse.jetty.servlet.ServletContextHandler");
                                } catch (ClassNotFoundException missing) {
                                    throw new IllegalStateException("no Jetty", missing);
                                }
                            }
                        }
                        """)
                .buildWar(dir.resolve("needs-jetty.war"));
        Path fine = new WarBuilder().file("index.html", "fine").buildWar(dir.resolve("fine.war"));
        server = TestServer.start(dir.resolve("state"), p -> p
                .war(failing.toString()).war(needsJetty.toString()).war(fine.toString()));
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
    void missing_class_is_reported_at_the_app_frame_that_asked_for_it_not_inside_the_class_loader() {
        assertThat(log.list).filteredOn(e -> e.getFormattedMessage().startsWith("app /needs-jetty failed to start"))
                .singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains(
                        "ClassNotFoundException: org.eclipse.jetty.servlet.ServletContextHandler"
                                + " at needs.Listener.contextInitialized("));
    }

    @Test
    void other_apps_start_and_serve_beside_it() {
        assertThat(server.get("/fine/").body()).isEqualTo("fine");
    }
}
