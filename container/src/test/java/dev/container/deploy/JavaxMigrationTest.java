package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.container.testing.Samples;
import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A WAR built for javax.servlet (Servlet 4, compiled here against javax.servlet-api 4.0.1 from
 * Maven Central, and a real one: Jolokia's jolokia-war 1.7.2) is migrated to jakarta.* at deploy by
 * Apache Tomcat's migration tool, served, and cached in STATE/migrated by its content: the next
 * start takes the copy without running the tool. {@code migrate = false} and {@code --no-migrate}
 * keep the refusal.
 */
class JavaxMigrationTest {
    /** What Tomcat's tool logs (through java.util.logging) when it starts a migration. */
    private static final java.util.logging.Logger TOOL = java.util.logging.Logger.getLogger(
            "org.apache.tomcat.jakartaee.Migration");
    private static final String HELLO = "hello from a javax servlet on Servlet 6, filtered: yes";

    @TempDir
    Path dir;
    private Path state;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final List<String> toolRuns = new CopyOnWriteArrayList<>();
    private final Handler toolHandler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getMessage().startsWith("Performing migration")) {
                toolRuns.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        state = dir.resolve("state");
        Logger container = (Logger) LoggerFactory.getLogger("container");
        container.setLevel(Level.INFO);
        container.addAppender(log);
        log.start();
        TOOL.addHandler(toolHandler);
    }

    @AfterEach
    void stopListening() {
        Logger container = (Logger) LoggerFactory.getLogger("container");
        container.detachAppender(log);
        container.setLevel(null);
        TOOL.removeHandler(toolHandler);
    }

    @Test
    void javax_war_is_migrated_at_deploy_and_served() throws IOException {
        Path war = legacyWar(dir.resolve("legacy.war"), "hello from a javax servlet");

        try (var server = TestServer.start(state, p -> p.war(war.toString()))) {
            var answer = server.get("/legacy/hello");

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(HELLO);
        }
        assertThat(lines("app /legacy: ")).singleElement().asString()
                .matches("app /legacy: javax\\.\\* app migrated to jakarta\\.\\* \\(\\d+ ms\\)");
        assertThat(toolRuns).hasSize(1);
        assertThat(copies()).singleElement().satisfies(copy -> {
            try (var zip = new ZipFile(copy.toFile())) {
                assertThat(new String(zip.getInputStream(zip.getEntry("WEB-INF/web.xml")).readAllBytes(),
                        StandardCharsets.UTF_8)).as("text files are migrated too").doesNotContain("javax.servlet");
            }
        });
    }

    @Test
    void second_start_takes_the_cached_copy_without_migrating_or_unpacking_again() throws IOException {
        Path war = legacyWar(dir.resolve("legacy.war"), "hello from a javax servlet");
        try (var server = TestServer.start(state, p -> p.war(war.toString()))) {
            assertThat(server.get("/legacy/hello").body()).isEqualTo(HELLO);
        }
        Path unpacked = state.resolve("apps/legacy/.container-war");
        FileTime unpackedAt = Files.getLastModifiedTime(unpacked);
        log.list.clear();

        try (var server = TestServer.start(state, p -> p.war(war.toString()))) {
            assertThat(server.get("/legacy/hello").body()).isEqualTo(HELLO);
        }

        assertThat(lines("app /legacy: ")).containsExactly("app /legacy: javax.* app migrated to jakarta.* (cached)");
        assertThat(toolRuns).as("the tool ran at the first start only").hasSize(1);
        assertThat(Files.getLastModifiedTime(unpacked)).as("the unpacked copy is reused").isEqualTo(unpackedAt);
    }

    @Test
    void the_same_content_under_a_new_time_is_found_by_its_hash() throws IOException {
        Path war = legacyWar(dir.resolve("legacy.war"), "hello from a javax servlet");
        try (var server = TestServer.start(state, p -> p.war(war.toString()))) {
            assertThat(server.get("/legacy/hello").body()).isEqualTo(HELLO);
        }
        Files.setLastModifiedTime(war, FileTime.fromMillis(Files.getLastModifiedTime(war).toMillis() + 3_600_000));
        log.list.clear();

        try (var server = TestServer.start(state, p -> p.war(war.toString()))) {
            assertThat(server.get("/legacy/hello").body()).isEqualTo(HELLO);
        }

        assertThat(lines("app /legacy: ")).containsExactly("app /legacy: javax.* app migrated to jakarta.* (cached)");
        assertThat(toolRuns).hasSize(1);
    }

    @Test
    void a_changed_war_is_migrated_again_and_its_old_copy_removed() throws IOException {
        Path war = legacyWar(dir.resolve("legacy.war"), "hello from a javax servlet");
        try (var server = TestServer.start(state, p -> p.war(war.toString()))) {
            assertThat(server.get("/legacy/hello").body()).isEqualTo(HELLO);
        }
        List<Path> before = copies();
        legacyWar(war, "hello again from a javax servlet");

        try (var server = TestServer.start(state, p -> p.war(war.toString()))) {
            assertThat(server.get("/legacy/hello").body()).startsWith("hello again from a javax servlet on Servlet 6");
        }

        assertThat(toolRuns).hasSize(2);
        assertThat(copies()).hasSize(1).doesNotContainAnyElementsOf(before);
    }

    @Test
    void a_jakarta_app_with_a_javax_integration_it_does_not_use_is_not_migrated() throws IOException {
        Path mixed = new WarBuilder()
                .compileAgainst(Samples.testLib("javax-servlet-api.jar"))
                .java("lib.JavaxFilter", """
                        package lib;
                        public class JavaxFilter implements javax.servlet.Filter {
                            public void doFilter(javax.servlet.ServletRequest req, javax.servlet.ServletResponse resp,
                                                 javax.servlet.FilterChain chain) {
                            }
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
                .buildWar(dir.resolve("mixed.war"));

        try (var server = TestServer.start(state, p -> p.war(mixed.toString()))) {
            assertThat(server.get("/mixed/hello").body()).isEqualTo("jakarta app");
        }

        assertThat(lines("app /mixed: ")).isEmpty();
        assertThat(toolRuns).isEmpty();
        assertThat(state.resolve("migrated")).doesNotExist();
    }

    @Test
    void migrate_false_in_the_config_file_keeps_the_refusal() throws IOException {
        legacyWar(dir.resolve("legacy.war"), "hello from a javax servlet");
        Path config = dir.resolve("container.conf");
        Files.writeString(config, """
                listeners = [{ host = 127.0.0.1, port = 0 }]
                state-dir = state
                apps = [{ war = legacy.war, migrate = false }]
                """);

        try (var server = TestServer.startConfig(config)) {
            assertThat(server.get("/legacy/hello").statusCode()).isEqualTo(503);
        }

        assertRefused();
    }

    @Test
    void no_migrate_flag_keeps_the_refusal() throws IOException {
        Path war = legacyWar(dir.resolve("legacy.war"), "hello from a javax servlet");

        try (var server = TestServer.start(state, p -> p.war(war.toString()).migrate(false))) {
            assertThat(server.get("/legacy/hello").statusCode()).isEqualTo(503);
        }

        assertRefused();
    }

    @Test
    void a_war_the_tool_cannot_migrate_fails_alone_with_one_line_naming_it() throws IOException {
        Path broken = legacyWar(dir.resolve("broken.war"), "never", "applet/Broken.class");
        Path fine = legacyWar(dir.resolve("legacy.war"), "hello from a javax servlet");

        try (var server = TestServer.start(state, p -> p.war(broken.toString()).war(fine.toString()))) {
            assertThat(server.get("/broken/hello").statusCode()).isEqualTo(503);
            assertThat(server.get("/legacy/hello").body()).isEqualTo(HELLO);
        }

        assertThat(lines("app /broken")).singleElement().asString()
                .startsWith("app /broken failed to start, answering 503: broken: cannot migrate " + broken)
                .contains("from javax.* to jakarta.*")
                .doesNotContain("\n");
        assertThat(copies()).as("only the good WAR's copy").hasSize(1);
        try (Stream<Path> temp = Files.list(state.resolve("migrated/tmp"))) {
            assertThat(temp).as("no half-migrated file is left").isEmpty();
        }
    }

    @Test
    void an_exploded_javax_directory_is_refused_with_the_way_out() throws IOException {
        Path war = legacyWar(dir.resolve("built.war"), "hello from a javax servlet");
        Path exploded = dir.resolve("legacy");
        try (var zip = new ZipFile(war.toFile())) {
            for (var entry : java.util.Collections.list(zip.entries())) {
                Path out = exploded.resolve(entry.getName());
                Files.createDirectories(out.getParent());
                Files.copy(zip.getInputStream(entry), out);
            }
        }

        try (var server = TestServer.start(state, p -> p.war(exploded.toString()))) {
            assertThat(server.get("/legacy/hello").statusCode()).isEqualTo(503);
        }

        assertThat(lines("app /legacy failed")).singleElement().asString()
                .contains("built for javax.servlet (Java EE 8 or older: legacy.Hello extends javax.servlet.http.HttpServlet)")
                .contains("not exploded directories")
                .contains("jakartaee-migration");
        assertThat(toolRuns).isEmpty();
    }

    @Test
    void jolokia_war_from_maven_central_runs_migrated() throws IOException {
        Path war = Files.copy(Samples.testLib("jolokia-war.war"), dir.resolve("jolokia.war"));
        Path users = Files.writeString(dir.resolve("users.properties"), "ops = s3cret, jolokia\n");

        try (var server = TestServer.start(state, p -> p.war(war.toString()).users(users))) {
            assertThat(server.get("/jolokia/version").statusCode()).as("its BASIC login").isEqualTo(401);
            var answer = server.send(HttpRequest.newBuilder(server.uri("/jolokia/version"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            "ops:s3cret".getBytes(StandardCharsets.UTF_8)))
                    .build());

            assertThat(answer.statusCode()).isEqualTo(200);
            // jolokia-war 1.7.2 calls itself 1.7.1 (as on Tomcat 9)
            assertThat(answer.body()).contains("\"agent\":\"1.7.").contains("\"agentType\":\"servlet\"")
                    .contains("\"status\":200");
        }
        assertThat(lines("app /jolokia: ")).singleElement().asString().matches(".*migrated to jakarta\\.\\* \\(\\d+ ms\\)");
    }

    private void assertRefused() {
        assertThat(lines("app /legacy")).singleElement().asString()
                .startsWith("app /legacy failed to start, answering 503: legacy: built for javax.servlet")
                .contains("legacy.Hello extends javax.servlet.http.HttpServlet")
                .contains("jakartaee-migration")
                .contains("migrate = false or --no-migrate");
        assertThat(toolRuns).isEmpty();
        assertThat(state.resolve("migrated")).doesNotExist();
    }

    /** The container's log lines that start with prefix. */
    private List<String> lines(String prefix) {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith(prefix)).toList();
    }

    /** The migrated copies in STATE/migrated. */
    private List<Path> copies() throws IOException {
        try (Stream<Path> files = Files.list(state.resolve("migrated"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".war")).toList();
        }
    }

    /**
     * A Servlet 4 app compiled against javax.servlet-api 4.0.1 (left out of the WAR, as the server
     * provides it): a web.xml servlet and an annotated filter, with a Java EE 8 web.xml; plus, if
     * given, an entry of garbage bytes that the migration tool must read as a class.
     */
    private static Path legacyWar(Path file, String greeting, String... garbage) throws IOException {
        var builder = new WarBuilder()
                .compileAgainst(Samples.testLib("javax-servlet-api.jar"))
                .java("legacy.Hello", """
                        package legacy;
                        import java.io.IOException;
                        import javax.servlet.http.HttpServlet;
                        import javax.servlet.http.HttpServletRequest;
                        import javax.servlet.http.HttpServletResponse;
                        public class Hello extends HttpServlet {
                            @Override
                            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                                resp.setContentType("text/plain");
                                resp.getWriter().print("%s on Servlet " + getServletContext().getMajorVersion()
                                        + ", filtered: " + req.getAttribute("filtered"));
                            }
                        }
                        """.formatted(greeting))
                .java("legacy.Stamp", """
                        package legacy;
                        import java.io.IOException;
                        import javax.servlet.FilterChain;
                        import javax.servlet.ServletException;
                        import javax.servlet.ServletRequest;
                        import javax.servlet.ServletResponse;
                        import javax.servlet.annotation.WebFilter;
                        @WebFilter("/*")
                        public class Stamp implements javax.servlet.Filter {
                            @Override
                            public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
                                    throws IOException, ServletException {
                                req.setAttribute("filtered", "yes");
                                chain.doFilter(req, resp);
                            }
                        }
                        """)
                .file("WEB-INF/web.xml", """
                        <web-app xmlns="http://xmlns.jcp.org/xml/ns/javaee" version="4.0">
                          <servlet><servlet-name>hello</servlet-name><servlet-class>legacy.Hello</servlet-class></servlet>
                          <servlet-mapping><servlet-name>hello</servlet-name><url-pattern>/hello</url-pattern></servlet-mapping>
                          <context-param><param-name>uses</param-name><param-value>javax.servlet.http.HttpServlet</param-value></context-param>
                        </web-app>
                        """);
        for (String entry : garbage) {
            builder.file(entry, "not a class file".getBytes(StandardCharsets.US_ASCII));
        }
        return builder.buildWar(file);
    }
}
