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
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Deployment rules that need whole apps: exploded directories, metadata-complete, ordering, bad web.xml. */
class DeploymentRulesTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static ListAppender<ILoggingEvent> log = new ListAppender<>();

    private static final String HELLO = """
            package app;
            @jakarta.servlet.annotation.WebServlet("/annotated")
            public class Hello extends jakarta.servlet.http.HttpServlet {
                protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                     jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                    resp.getWriter().print("annotated servlet");
                }
            }
            """;

    /** A library jar whose initializer registers /from-NAME, and which names itself in a web-fragment.xml. */
    private static byte[] library(String name) throws IOException {
        return new WarBuilder()
                .java("lib" + name + ".Init", """
                        package lib%1$s;
                        public class Init implements jakarta.servlet.ServletContainerInitializer {
                            public void onStartup(java.util.Set<Class<?>> c, jakarta.servlet.ServletContext ctx) {
                                ctx.addServlet("from-%1$s", new jakarta.servlet.http.HttpServlet() {
                                    protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                         jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                        resp.getWriter().print("initializer of %1$s");
                                    }
                                }).addMapping("/from-%1$s");
                            }
                        }
                        """.formatted(name))
                .file("META-INF/services/jakarta.servlet.ServletContainerInitializer", "lib" + name + ".Init\n")
                .file("META-INF/web-fragment.xml", """
                        <web-fragment xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0"><name>%s</name></web-fragment>
                        """.formatted(name))
                .buildJar();
    }

    @BeforeAll
    static void start() throws IOException {
        ((Logger) LoggerFactory.getLogger("container")).addAppender(log);
        log.start();
        Path exploded = unzip(new WarBuilder().java("app.Hello", HELLO).file("index.html", "exploded index")
                .buildWar(dir.resolve("exploded.war")), dir.resolve("blog"));
        Path complete = new WarBuilder().java("app.Hello", HELLO)
                .file("WEB-INF/web.xml", """
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0" metadata-complete="true"/>
                        """)
                .buildWar(dir.resolve("complete.war"));
        Path ordered = new WarBuilder()
                .lib("a.jar", library("a")).lib("b.jar", library("b"))
                .file("WEB-INF/web.xml", """
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <absolute-ordering><name>a</name></absolute-ordering>
                        </web-app>
                        """)
                .buildWar(dir.resolve("ordered.war"));
        Path badXml = new WarBuilder()
                .file("WEB-INF/web.xml", "<web-app>\n  <servlet>\n    <servlet-name>x</servlet-name>\n  </web-app>\n")
                .buildWar(dir.resolve("badxml.war"));
        server = TestServer.start(dir.resolve("state"), p -> p.war(exploded.toString()).war(complete.toString())
                .war(ordered.toString()).war(badXml.toString()));
    }

    @AfterAll
    static void stop() {
        server.close();
        ((Logger) LoggerFactory.getLogger("container")).detachAppender(log);
    }

    private static Path unzip(Path war, Path into) throws IOException {
        try (var zip = new ZipFile(war.toFile())) {
            for (var entry : java.util.Collections.list(zip.entries())) {
                Path out = into.resolve(entry.getName());
                Files.createDirectories(out.getParent());
                try (var in = zip.getInputStream(entry)) {
                    Files.copy(in, out);
                }
            }
        }
        return into;
    }

    @Test
    void exploded_directory_is_served_in_place_at_its_directory_name() {
        assertThat(server.get("/blog/annotated").body()).isEqualTo("annotated servlet");
        assertThat(server.get("/blog/").body()).isEqualTo("exploded index");
        assertThat(dir.resolve("state/apps/blog")).doesNotExist();
    }

    @Test
    void metadata_complete_web_xml_turns_annotation_scanning_off() {
        assertThat(server.get("/complete/annotated").statusCode()).isEqualTo(404);
    }

    @Test
    void absolute_ordering_runs_the_initializers_of_listed_jars_only() {
        assertThat(server.get("/ordered/from-a").body()).isEqualTo("initializer of a");
        assertThat(server.get("/ordered/from-b").statusCode()).isEqualTo(404);
    }

    @Test
    void malformed_web_xml_fails_that_app_with_file_and_line() {
        assertThat(server.get("/badxml/").statusCode()).isEqualTo(503);
        assertThat(log.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .startsWith("app /badxml failed to start, answering 503: badxml.war!/WEB-INF/web.xml:4"));
    }
}
