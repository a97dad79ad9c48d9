package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.LogCapture;
import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.naming.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code @Resource} and web.xml injection targets on servlets, filters, listeners and their
 * superclasses, before {@code @PostConstruct}; {@code @PreDestroy} at stop; lookups in apps that
 * declare nothing; a metadata-complete web.xml, whose annotations do not count.
 */
class ResourceInjectionTest {
    /** Looks up ?name under java:comp/env: "Type:value", "not bound", or the failure. */
    static final String LOOKUP = """
            package %s;
            @jakarta.servlet.annotation.WebServlet("/lookup")
            public class Lookup extends jakarta.servlet.http.HttpServlet {
                protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                     jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                    try {
                        Object value = new javax.naming.InitialContext().lookup("java:comp/env/" + req.getParameter("name"));
                        resp.getWriter().print(value.getClass().getSimpleName() + ":" + value);
                    } catch (javax.naming.NameNotFoundException e) {
                        resp.getWriter().print("not bound");
                    } catch (javax.naming.NamingException e) {
                        resp.getWriter().print("failed: " + e.getClass().getName());
                    }
                }
            }
            """;

    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void servlets_filters_and_listeners_get_their_resources_before_post_construct_and_pre_destroy_runs_at_stop()
            throws Exception {
        Path marker = dir.resolve("destroyed.txt");
        Path war = new WarBuilder()
                .java("inj.Base", """
                        package inj;
                        public abstract class Base extends jakarta.servlet.http.HttpServlet {
                            @jakarta.annotation.Resource(name = "limit")
                            protected int limit;
                            protected final StringBuilder calls = new StringBuilder();
                            @jakarta.annotation.PostConstruct
                            private void baseReady() {
                                calls.append("base(limit=" + limit + ");");
                            }
                        }
                        """)
                .java("inj.Hello", """
                        package inj;
                        @jakarta.servlet.annotation.WebServlet(urlPatterns = "/hello", loadOnStartup = 1)
                        public class Hello extends Base {
                            @jakarta.annotation.Resource(name = "greeting")
                            private String greeting;
                            private Long big;
                            @jakarta.annotation.Resource
                            private String unset = "its own default";
                            private String fromXml;
                            @jakarta.annotation.Resource(name = "marker")
                            private String marker;

                            @jakarta.annotation.Resource(name = "big")
                            void setBig(Long big) {
                                this.big = big;
                            }

                            @jakarta.annotation.PostConstruct
                            void ready() {
                                calls.append("hello(greeting=" + greeting + ", fromXml=" + fromXml + ");");
                            }

                            @jakarta.annotation.PreDestroy
                            void goodbye() throws java.io.IOException {
                                java.nio.file.Files.writeString(java.nio.file.Path.of(marker), "servlet\\n",
                                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                            }

                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.getWriter().print(greeting + "|" + limit + "|" + big + "|" + unset + "|" + fromXml
                                        + "|" + calls + "|" + getServletContext().getAttribute("listener"));
                            }
                        }
                        """)
                .java("inj.Stamp", """
                        package inj;
                        @jakarta.servlet.annotation.WebFilter("/*")
                        public class Stamp implements jakarta.servlet.Filter {
                            private String motto;
                            @jakarta.annotation.Resource(name = "retries")
                            private Integer retries;
                            private String state = "not constructed";

                            public void setMotto(String motto) {
                                this.motto = motto;
                            }

                            @jakarta.annotation.PostConstruct
                            void ready() {
                                state = "constructed with " + motto;
                            }

                            public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse resp,
                                                 jakarta.servlet.FilterChain chain) throws java.io.IOException, jakarta.servlet.ServletException {
                                ((jakarta.servlet.http.HttpServletResponse) resp).setHeader("X-Stamp", motto + "/" + retries + "/" + state);
                                chain.doFilter(req, resp);
                            }
                        }
                        """)
                .java("inj.Startup", """
                        package inj;
                        @jakarta.servlet.annotation.WebListener
                        public class Startup implements jakarta.servlet.ServletContextListener {
                            @jakarta.annotation.Resource(name = "greeting")
                            private String greeting;
                            @jakarta.annotation.Resource(name = "marker")
                            private String marker;
                            private String atPostConstruct;

                            @jakarta.annotation.PostConstruct
                            void ready() {
                                atPostConstruct = greeting;
                            }

                            public void contextInitialized(jakarta.servlet.ServletContextEvent e) {
                                e.getServletContext().setAttribute("listener", "greeting at post-construct: " + atPostConstruct);
                            }

                            @jakarta.annotation.PreDestroy
                            void goodbye() throws java.io.IOException {
                                java.nio.file.Files.writeString(java.nio.file.Path.of(marker), "listener\\n",
                                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                            }
                        }
                        """)
                .java("inj.Lookup", LOOKUP.formatted("inj"))
                .file("WEB-INF/web.xml", """
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <env-entry>
                            <env-entry-name>motto</env-entry-name>
                            <env-entry-type>java.lang.String</env-entry-type>
                            <env-entry-value>carpe diem</env-entry-value>
                            <injection-target>
                              <injection-target-class>inj.Hello</injection-target-class>
                              <injection-target-name>fromXml</injection-target-name>
                            </injection-target>
                            <injection-target>
                              <injection-target-class>inj.Stamp</injection-target-class>
                              <injection-target-name>motto</injection-target-name>
                            </injection-target>
                          </env-entry>
                          <env-entry>
                            <env-entry-name>retries</env-entry-name>
                            <env-entry-type>java.lang.Integer</env-entry-type>
                            <env-entry-value>3</env-entry-value>
                          </env-entry>
                          <env-entry>
                            <env-entry-name>greeting</env-entry-name>
                            <env-entry-value>the app's own, which the config file overrides</env-entry-value>
                          </env-entry>
                        </web-app>
                        """)
                .buildWar(dir.resolve("inj.war"));
        Path conf = Files.writeString(dir.resolve("inj.conf"), """
                apps = [
                  { war = inj.war, env-entries { greeting = hello, limit = 50, big = 5000000000, marker = "%s" } }
                ]
                """.formatted(marker.toString().replace("\\", "\\\\")));
        server = TestServer.start(dir.resolve("state"), p -> p.configFile(conf));

        var hello = server.get("/inj/hello");
        assertThat(hello.body()).isEqualTo("hello|50|5000000000|its own default|carpe diem"
                + "|base(limit=50);hello(greeting=hello, fromXml=carpe diem);"
                + "|greeting at post-construct: hello");
        assertThat(hello.headers().firstValue("X-Stamp")).hasValue("carpe diem/3/constructed with carpe diem");
        assertThat(server.get("/inj/lookup?name=motto").body()).isEqualTo("String:carpe diem");
        assertThat(server.get("/inj/lookup?name=retries").body()).isEqualTo("Integer:3");
        assertThat(server.get("/inj/lookup?name=greeting").body()).isEqualTo("String:hello");
        assertThat(marker).doesNotExist();

        server.close();
        server = null;

        assertThat(Files.readAllLines(marker)).containsExactlyInAnyOrder("servlet", "listener");
    }

    @Test
    void an_app_that_declares_nothing_gets_name_not_found_not_no_initial_context() throws Exception {
        // Nothing installed yet, as in a JVM whose first app has no env entries.
        System.clearProperty(Context.INITIAL_CONTEXT_FACTORY);
        Path war = new WarBuilder().java("bare.Lookup", LOOKUP.formatted("bare")).buildWar(dir.resolve("bare.war"));
        server = TestServer.start(dir.resolve("state"), p -> p.war(war.toString()));

        assertThat(server.get("/bare/lookup?name=jdbc/anything").body()).isEqualTo("not bound");
    }

    @Test
    void a_metadata_complete_app_gets_web_xml_injections_and_lookups_but_its_annotations_do_not_count()
            throws Exception {
        Path war = new WarBuilder()
                .java("mc.Probe", """
                        package mc;
                        public class Probe extends jakarta.servlet.http.HttpServlet {
                            @jakarta.annotation.Resource(name = "motto")
                            private String annotated;
                            private String fromXml;
                            private String calls = "";

                            @jakarta.annotation.PostConstruct
                            void annotatedInit() {
                                calls += "annotated;";
                            }

                            void xmlInit() {
                                calls += "xml;";
                            }

                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                String lookup;
                                try {
                                    lookup = (String) new javax.naming.InitialContext().lookup("java:comp/env/motto");
                                    new javax.naming.InitialContext().lookup("java:comp/env/unknown");
                                } catch (javax.naming.NamingException e) {
                                    lookup = e.getClass().getSimpleName();
                                }
                                resp.getWriter().print(annotated + "|" + fromXml + "|" + calls + "|" + lookup);
                            }
                        }
                        """)
                .file("WEB-INF/web.xml", """
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0" metadata-complete="true">
                          <servlet><servlet-name>probe</servlet-name><servlet-class>mc.Probe</servlet-class></servlet>
                          <servlet-mapping><servlet-name>probe</servlet-name><url-pattern>/probe</url-pattern></servlet-mapping>
                          <env-entry>
                            <env-entry-name>motto</env-entry-name>
                            <env-entry-value>from web.xml</env-entry-value>
                            <injection-target>
                              <injection-target-class>mc.Probe</injection-target-class>
                              <injection-target-name>fromXml</injection-target-name>
                            </injection-target>
                          </env-entry>
                          <post-construct>
                            <lifecycle-callback-class>mc.Probe</lifecycle-callback-class>
                            <lifecycle-callback-method>xmlInit</lifecycle-callback-method>
                          </post-construct>
                        </web-app>
                        """)
                .buildWar(dir.resolve("mc.war"));
        server = TestServer.start(dir.resolve("state"), p -> p.war(war.toString()));

        assertThat(server.get("/mc/probe").body()).isEqualTo("null|from web.xml|xml;|NameNotFoundException");
    }

    @Test
    void a_class_with_a_field_of_a_type_the_app_lacks_still_gets_its_resources_and_callbacks() throws Exception {
        // Typesafe Config is on the container's class path, never the app's: reflection cannot list Partial's fields.
        Path war = new WarBuilder()
                .java("partial.Partial", """
                        package partial;
                        @jakarta.servlet.annotation.WebServlet("/partial")
                        public class Partial extends jakarta.servlet.http.HttpServlet {
                            private com.typesafe.config.Config optionalFeature;
                            @jakarta.annotation.Resource(name = "greeting")
                            private String greeting;
                            private String viaSetter;
                            private boolean constructed;

                            @jakarta.annotation.Resource(name = "greeting")
                            void setViaSetter(String value) {
                                viaSetter = value;
                            }

                            @jakarta.annotation.PostConstruct
                            void ready() {
                                constructed = true;
                            }

                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.getWriter().print(greeting + "|" + viaSetter + "|" + constructed);
                            }
                        }
                        """)
                .buildWar(dir.resolve("partial.war"));
        Path conf = Files.writeString(dir.resolve("partial.conf"), "apps = [{ war = partial.war, env-entries { greeting = hi } }]\n");
        server = TestServer.start(dir.resolve("state"), p -> p.configFile(conf));

        assertThat(server.get("/partial/partial").body()).isEqualTo("hi|hi|true");
    }

    @Test
    void an_injection_target_that_names_no_member_fails_the_app_naming_the_line() throws Exception {
        Path war = new WarBuilder()
                .java("typo.Hello", """
                        package typo;
                        @jakarta.servlet.annotation.WebServlet("/hello")
                        public class Hello extends jakarta.servlet.http.HttpServlet {
                            private String motto;
                        }
                        """)
                .file("WEB-INF/web.xml", """
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <env-entry>
                            <env-entry-name>motto</env-entry-name>
                            <env-entry-value>x</env-entry-value>
                            <injection-target>
                              <injection-target-class>typo.Hello</injection-target-class>
                              <injection-target-name>moto</injection-target-name>
                            </injection-target>
                          </env-entry>
                        </web-app>
                        """)
                .buildWar(dir.resolve("typo.war"));
        try (var log = LogCapture.start()) {
            server = TestServer.start(dir.resolve("state"), p -> p.war(war.toString()));

            assertThat(server.get("/typo/hello").statusCode()).isEqualTo(503);
            assertThat(log.errors()).singleElement().asString()
                    .contains("typo: env-entry at typo.war!/WEB-INF/web.xml:2: injection-target typo.Hello.moto",
                            "no such field, nor a method setMoto(value)");
        }
    }
}
