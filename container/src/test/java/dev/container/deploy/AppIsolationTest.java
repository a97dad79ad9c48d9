package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import jakarta.servlet.Servlet;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Several apps in one server, each with its own class loader; one that fails to start harms no other. */
class AppIsolationTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    static void start() throws IOException {
        ((Logger) LoggerFactory.getLogger("container")).addAppender(log);
        log.start();
        Path red = app("red").buildWar(dir.resolve("red.war"));
        Path blue = app("blue").lib("jakarta.servlet-api.jar", WarBuilder.jarOf(Servlet.class)).buildWar(dir.resolve("blue.war"));
        Path broken = new WarBuilder()
                .java("broken.FailingListener", """
                        package broken;
                        @jakarta.servlet.annotation.WebListener
                        public class FailingListener implements jakarta.servlet.ServletContextListener {
                            public void contextInitialized(jakarta.servlet.ServletContextEvent e) {
                                throw new IllegalStateException("database unreachable");
                            }
                        }
                        """)
                .buildWar(dir.resolve("broken.war"));
        server = TestServer.start(dir.resolve("state"), p -> p
                .war(red.toString()).war(blue.toString()).war(broken.toString()));
    }

    /** An app with no web.xml whose servlet reports its name and which fixture.Shadowed it sees. */
    private static WarBuilder app(String name) {
        return new WarBuilder()
                .file("secret.jsp", "<% String password = \"hunter2\"; %>")
                .file("style.css", "body { color: red }")
                .java("fixture.Shadowed", """
                        package fixture;
                        public final class Shadowed {
                            public static String origin() { return "%s"; }
                        }
                        """.formatted(name))
                .java("app.Which", """
                        package app;
                        @jakarta.servlet.annotation.WebServlet("/which")
                        public class Which extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                boolean ownServletApi = jakarta.servlet.Servlet.class.getClassLoader() == getClass().getClassLoader();
                                resp.getWriter().print(fixture.Shadowed.origin() + " own-servlet-api=" + ownServletApi
                                        + " context=" + req.getContextPath());
                            }
                        }
                        """);
    }

    @AfterAll
    static void stop() {
        server.close();
        ((Logger) LoggerFactory.getLogger("container")).detachAppender(log);
    }

    @Test
    void each_app_loads_its_own_copy_of_a_class_before_the_containers() {
        assertThat(server.get("/red/which").body()).startsWith("red ");
        assertThat(server.get("/blue/which").body()).startsWith("blue ");
    }

    @Test
    void servlet_api_bundled_in_web_inf_lib_does_not_shadow_the_containers() {
        assertThat(server.get("/blue/which").body()).contains("own-servlet-api=false");
    }

    @Test
    void app_without_web_xml_is_deployed_from_annotations_at_its_file_name() {
        assertThat(server.get("/red/which").body()).endsWith("context=/red");
    }

    @Test
    void jsp_source_is_never_sent_as_text() {
        var response = server.get("/red/secret.jsp");
        // The page runs (and prints nothing); its code stays on the server.
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("hunter2");
    }

    @Test
    void static_resources_of_an_app_are_served_by_its_default_servlet() {
        var response = server.get("/red/style.css");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("body { color: red }");
    }

    @Test
    void app_whose_startup_throws_answers_503_at_its_path() {
        var response = server.get("/broken/anything");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("/broken");
    }

    @Test
    void app_whose_startup_throws_is_reported_in_one_log_line_naming_the_cause() {
        assertThat(log.list).filteredOn(e -> e.getFormattedMessage().startsWith("app /broken failed to start"))
                .singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage())
                        .contains("IllegalStateException: database unreachable")
                        .contains("broken.FailingListener")
                        .doesNotContain("\n"));
    }

    @Test
    void other_apps_keep_serving_beside_a_failed_one() {
        assertThat(server.get("/red/which").statusCode()).isEqualTo(200);
    }
}
