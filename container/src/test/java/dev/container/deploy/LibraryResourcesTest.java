package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files in META-INF/resources of the jars in WEB-INF/lib (Servlet 6.0 §4.6), over real HTTP. */
class LibraryResourcesTest {
    @TempDir
    static Path dir;
    static Path state;
    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        byte[] assets = new WarBuilder()
                .file("META-INF/resources/lib.css", "p { color: green }")
                .file("META-INF/resources/shared.txt", "from the jar")
                .file("META-INF/resources/WEB-INF/hidden.txt", "not for visitors")
                .file("META-INF/resources/docs/guide.txt", "a guide from the jar")
                .buildJar();
        Path war = new WarBuilder()
                .lib("assets.jar", assets)
                .file("shared.txt", "from the war")
                .file("docs/intro.txt", "an intro from the war")
                .java("app.Resources", """
                        package app;
                        @jakarta.servlet.annotation.WebServlet("/resources")
                        public class Resources extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                var ctx = getServletContext();
                                String path = req.getParameter("path");
                                String text;
                                try (var in = ctx.getResourceAsStream(path)) {
                                    text = in == null ? null : new String(in.readAllBytes());
                                }
                                resp.getWriter().print("url=" + (ctx.getResource(path) != null) + " text=" + text
                                        + " paths=" + new java.util.TreeSet<>(ctx.getResourcePaths(req.getParameter("dir"))));
                            }
                        }
                        """)
                .buildWar(dir.resolve("app.war"));
        state = dir.resolve("state");
        server = TestServer.start(state, p -> p.war(war.toString()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_static_file_of_a_jar_is_served_by_the_default_servlet() {
        var response = server.get("/app/lib.css");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
        assertThat(response.body()).isEqualTo("p { color: green }");
    }

    @Test
    void the_wars_own_file_wins_over_a_jars_of_the_same_name() {
        assertThat(server.get("/app/shared.txt").body()).isEqualTo("from the war");
    }

    @Test
    void a_directory_in_the_war_and_in_a_jar_holds_the_files_of_both() {
        assertThat(server.get("/app/docs/intro.txt").body()).isEqualTo("an intro from the war");
        assertThat(server.get("/app/docs/guide.txt").body()).isEqualTo("a guide from the jar");
        assertThat(server.get("/app/resources?path=/docs/guide.txt&dir=/docs/").body())
                .endsWith("paths=[/docs/guide.txt, /docs/intro.txt]");
    }

    @Test
    void servlet_context_reads_resources_of_jars() {
        assertThat(server.get("/app/resources?path=/lib.css&dir=/").body())
                .startsWith("url=true text=p { color: green } paths=[")
                .contains("/lib.css").contains("/shared.txt").contains("/docs/").contains("/WEB-INF/");
        assertThat(server.get("/app/resources?path=/shared.txt&dir=/").body()).contains("text=from the war");
        assertThat(server.get("/app/resources?path=/missing.css&dir=/").body()).startsWith("url=false text=null");
    }

    @Test
    void web_inf_of_a_jars_resources_is_not_served() {
        var response = server.get("/app/WEB-INF/hidden.txt");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).doesNotContain("not for visitors");
    }

    @Test
    void a_jars_resources_are_unpacked_into_the_state_directory() {
        assertThat(state.resolve("resources/app/assets.jar/lib.css")).hasContent("p { color: green }");
    }
}
