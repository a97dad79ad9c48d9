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

/**
 * The container's default servlet serves an app's static files until the app maps a servlet of its
 * own to "/": then that one is the default, as in Tomcat, whether web.xml or an initializer maps it
 * (Spring's DispatcherServlet is registered that way), and "default" stays reachable by name.
 */
class DefaultServletTest {
    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        Path front = new WarBuilder()
                .file("style.css", "body { color: blue }")
                .java("front.Init", """
                        package front;
                        public class Init implements jakarta.servlet.ServletContainerInitializer {
                            public void onStartup(java.util.Set<Class<?>> c, jakarta.servlet.ServletContext ctx) {
                                var conflicts = ctx.addServlet("front", new Front()).addMapping("/");
                                ctx.setAttribute("conflicts", conflicts);
                            }
                        }
                        """)
                .java("front.Front", """
                        package front;
                        public class Front extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp)
                                    throws java.io.IOException, jakarta.servlet.ServletException {
                                if (req.getServletPath().endsWith(".css")) {
                                    getServletContext().getNamedDispatcher("default").forward(req, resp);
                                    return;
                                }
                                resp.getWriter().print("front controller for " + req.getServletPath()
                                        + " conflicts=" + getServletContext().getAttribute("conflicts"));
                            }
                        }
                        """)
                .file("WEB-INF/classes/META-INF/services/jakarta.servlet.ServletContainerInitializer", "front.Init\n")
                .buildWar(dir.resolve("front.war"));
        Path xml = new WarBuilder()
                .java("xml.Root", """
                        package xml;
                        public class Root extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.getWriter().print("web.xml root servlet for " + req.getServletPath());
                            }
                        }
                        """)
                .file("WEB-INF/web.xml", """
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <servlet><servlet-name>root</servlet-name><servlet-class>xml.Root</servlet-class></servlet>
                          <servlet-mapping><servlet-name>root</servlet-name><url-pattern>/</url-pattern></servlet-mapping>
                        </web-app>
                        """)
                .buildWar(dir.resolve("xml.war"));
        server = TestServer.start(dir.resolve("state"), p -> p.war(front.toString()).war(xml.toString()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void initializer_maps_its_own_servlet_to_slash_without_a_conflict() {
        var response = server.get("/front/some/page");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("front controller for /some/page conflicts=[]");
    }

    @Test
    void default_servlet_is_still_reachable_by_name_when_an_app_takes_slash() {
        var response = server.get("/front/style.css");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("body { color: blue }");
    }

    @Test
    void web_xml_servlet_mapped_to_slash_replaces_the_default_servlet() {
        var response = server.get("/xml/anything.txt");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("web.xml root servlet for /anything.txt");
    }
}
