package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * With migration off ({@code --no-migrate}), a WAR built for javax.servlet (Java EE 8 or older) is
 * refused with one line that says so and what to do, not with the NoClassDefFoundError of
 * whichever javax class is touched first. Migration itself: {@link JavaxMigrationTest}.
 */
class JavaxAppTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static ListAppender<ILoggingEvent> log = new ListAppender<>();

    /** Stand-ins for the javax servlet API, compiled against but left out of the WAR, as javax.servlet-api is. */
    private static final String JAVAX_SERVLET = """
            package javax.servlet.http;
            public abstract class HttpServlet {
            }
            """;
    private static final String JAVAX_FILTER = """
            package javax.servlet;
            public interface Filter {
            }
            """;

    @BeforeAll
    static void start() throws IOException {
        ((Logger) LoggerFactory.getLogger("container")).addAppender(log);
        log.start();
        Path legacy = withoutJavax(new WarBuilder()
                .java("javax.servlet.http.HttpServlet", JAVAX_SERVLET)
                .java("legacy.Hello", """
                        package legacy;
                        public class Hello extends javax.servlet.http.HttpServlet {
                        }
                        """)
                .file("WEB-INF/web.xml", """
                        <web-app xmlns="http://xmlns.jcp.org/xml/ns/javaee" version="4.0">
                          <servlet><servlet-name>hello</servlet-name><servlet-class>legacy.Hello</servlet-class></servlet>
                          <servlet-mapping><servlet-name>hello</servlet-name><url-pattern>/hello</url-pattern></servlet-mapping>
                        </web-app>
                        """)
                .buildWar(dir.resolve("built.war")), dir.resolve("legacy.war"));
        // A Jakarta app whose library also offers a javax integration it never uses.
        Path mixed = withoutJavax(new WarBuilder()
                .java("javax.servlet.Filter", JAVAX_FILTER)
                .java("lib.JavaxFilter", """
                        package lib;
                        public class JavaxFilter implements javax.servlet.Filter {
                        }
                        """)
                .java("app.Hello", """
                        package app;
                        @jakarta.servlet.annotation.WebServlet("/hello")
                        public class Hello extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.getWriter().print("jakarta app");
                            }
                        }
                        """)
                .buildWar(dir.resolve("built-mixed.war")), dir.resolve("mixed.war"));
        server = TestServer.start(dir.resolve("state"), p -> p.war(legacy.toString()).war(mixed.toString()).migrate(false));
    }

    @AfterAll
    static void stop() {
        server.close();
        ((Logger) LoggerFactory.getLogger("container")).detachAppender(log);
    }

    @Test
    void javax_app_answers_503_at_its_path() {
        assertThat(server.get("/legacy/hello").statusCode()).isEqualTo(503);
    }

    @Test
    void javax_app_is_named_in_one_log_line_with_the_class_at_fault_and_the_way_out() {
        assertThat(log.list).filteredOn(e -> e.getFormattedMessage().startsWith("app /legacy failed to start"))
                .singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage())
                        .contains("built for javax.servlet (Java EE 8 or older")
                        .contains("legacy.Hello extends javax.servlet.http.HttpServlet")
                        .contains("Jakarta Servlet 6")
                        .contains("jakartaee-migration")
                        .doesNotContain("NoClassDefFoundError"));
    }

    @Test
    void jakarta_app_with_an_unused_javax_integration_in_a_library_deploys() {
        assertThat(server.get("/mixed/hello").body()).isEqualTo("jakarta app");
    }

    /** The WAR without the javax stand-ins, as a real javax app ships without the servlet API. */
    private static Path withoutJavax(Path war, Path into) throws IOException {
        try (var in = new ZipFile(war.toFile()); var out = new ZipOutputStream(Files.newOutputStream(into))) {
            for (var entry : java.util.Collections.list(in.entries())) {
                if (!entry.getName().startsWith("WEB-INF/classes/javax/")) {
                    out.putNextEntry(new ZipEntry(entry.getName()));
                    in.getInputStream(entry).transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return into;
    }
}
