package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * JSP through Jasper, over real HTTP: EL, the app's own JSTL, a tag file, a tag library from a jar
 * in WEB-INF/lib, jsp-file servlets, addJspFile, index.jsp as a welcome file, a page from a jar's
 * META-INF/resources, and what a broken page does.
 */
class JspTest {
    @TempDir
    static Path dir;
    static Path state;
    static TestServer server;
    static final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    static void start() throws IOException {
        ((Logger) LoggerFactory.getLogger("dev.container.jsp")).addAppender(log);
        log.start();
        state = dir.resolve("state");
        Path pages = pagesApp().buildWar(dir.resolve("pages.war"));
        Path welcome = new WarBuilder()
                .file("index.jsp", "<p>welcome from index.jsp, ${6 * 7}</p>")
                .buildWar(dir.resolve("welcome.war"));
        Path front = new WarBuilder()
                .file("other.jsp", "<p>other</p>")
                .java("front.Front", """
                        package front;
                        @jakarta.servlet.annotation.WebServlet("/")
                        public class Front extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.getWriter().print("front servlet for " + req.getServletPath());
                            }
                        }
                        """)
                .buildWar(dir.resolve("front.war"));
        server = TestServer.start(state, p -> p
                .war(pages.toString()).war(welcome.toString()).war(front.toString()));
    }

    @AfterAll
    static void stop() {
        server.close();
        ((Logger) LoggerFactory.getLogger("dev.container.jsp")).detachAppender(log);
    }

    private static WarBuilder pagesApp() throws IOException {
        return new WarBuilder()
                .lib("jstl.jar", testLibrary("jstl.jar"))
                .lib("jstl-api.jar", testLibrary("jstl-api.jar"))
                .lib("greet.jar", greetJar())
                .file("hello.jsp", """
                        <%@ page contentType="text/html; charset=UTF-8" %>
                        <%@ taglib prefix="c" uri="jakarta.tags.core" %>
                        <%@ taglib prefix="t" tagdir="/WEB-INF/tags" %>
                        <%@ taglib prefix="g" uri="http://example.test/greet" %>
                        <p>Hello, ${param.name}!</p>
                        <p>sum=${1 + 2}</p>
                        <p><c:forEach var="i" begin="1" end="3">[${i}]</c:forEach></p>
                        <t:box title="boxed">inside</t:box>
                        <g:hello who="${param.name}"/>
                        """)
                .file("WEB-INF/tags/box.tag", """
                        <%@ tag body-content="scriptless" %><%@ attribute name="title" required="true" %>\
                        <div class="box"><b>${title}</b>: <jsp:doBody/></div>""")
                .file("WEB-INF/page.jsp", "<p>jsp-file page at ${pageContext.request.servletPath}</p>")
                .file("WEB-INF/added.jsp", "<p>added by an initializer at ${pageContext.request.servletPath}</p>")
                .file("WEB-INF/missing-taglib.jsp", "<%@ taglib prefix=\"x\" uri=\"http://example.test/none\" %>\n<x:y/>")
                .file("fragment.jspf", "<% String secret = \"fragment source\"; %>")
                .file("broken.jsp", "<p>before</p>\n<% int x = ; %>\n<p>after</p>\n")
                .file("unclosed.jsp", """
                        <%@ taglib prefix="c" uri="jakarta.tags.core" %>
                        <c:forEach var="i" begin="1" end="2">
                        """)
                .file("WEB-INF/web.xml", """
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <servlet><servlet-name>page</servlet-name><jsp-file>/WEB-INF/page.jsp</jsp-file></servlet>
                          <servlet-mapping><servlet-name>page</servlet-name><url-pattern>/page</url-pattern></servlet-mapping>
                          <servlet><servlet-name>missing-taglib</servlet-name><jsp-file>/WEB-INF/missing-taglib.jsp</jsp-file></servlet>
                          <servlet-mapping><servlet-name>missing-taglib</servlet-name><url-pattern>/missing-taglib</url-pattern></servlet-mapping>
                        </web-app>
                        """)
                .java("app.AddsJsp", """
                        package app;
                        public class AddsJsp implements jakarta.servlet.ServletContainerInitializer {
                            public void onStartup(java.util.Set<Class<?>> types, jakarta.servlet.ServletContext ctx) {
                                ctx.addJspFile("added", "/WEB-INF/added.jsp").addMapping("/added");
                            }
                        }
                        """)
                .file("WEB-INF/classes/META-INF/services/jakarta.servlet.ServletContainerInitializer", "app.AddsJsp\n");
    }

    /** A tag library in a jar: a simple tag and its TLD, and a page in META-INF/resources. */
    private static byte[] greetJar() throws IOException {
        return new WarBuilder()
                .java("greet.GreetTag", """
                        package greet;
                        public class GreetTag extends jakarta.servlet.jsp.tagext.SimpleTagSupport {
                            private String who;
                            public void setWho(String who) { this.who = who; }
                            public void doTag() throws java.io.IOException {
                                getJspContext().getOut().write("Greetings, " + who + ", from a jar");
                            }
                        }
                        """)
                .file("META-INF/greet.tld", """
                        <taglib xmlns="https://jakarta.ee/xml/ns/jakartaee" version="3.0">
                          <tlib-version>1.0</tlib-version>
                          <short-name>greet</short-name>
                          <uri>http://example.test/greet</uri>
                          <tag>
                            <name>hello</name>
                            <tag-class>greet.GreetTag</tag-class>
                            <body-content>empty</body-content>
                            <attribute><name>who</name><required>true</required><rtexprvalue>true</rtexprvalue></attribute>
                          </tag>
                        </taglib>
                        """)
                .file("META-INF/resources/fromjar/page.jsp", "<p>a page from a jar: ${2 * 21}</p>")
                .buildJar();
    }

    private static byte[] testLibrary(String name) throws IOException {
        return Files.readAllBytes(Path.of(System.getProperty("test.libs.dir"), name));
    }

    @Test
    void renders_el_jstl_a_tag_file_and_a_tag_from_a_jar() {
        var response = server.get("/pages/hello.jsp?name=World");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html;charset=UTF-8");
        assertThat(response.body())
                .contains("<p>Hello, World!</p>")
                .contains("<p>sum=3</p>")
                .contains("<p>[1][2][3]</p>")
                .contains("<div class=\"box\"><b>boxed</b>: inside</div>")
                .contains("Greetings, World, from a jar")
                .doesNotContain("<c:").doesNotContain("${").doesNotContain("taglib");
    }

    @Test
    void pages_compile_into_the_state_directory() {
        assertThat(server.get("/pages/hello.jsp").statusCode()).isEqualTo(200);
        Path generated = state.resolve("tmp/pages/jsp/org/apache/jsp");
        assertThat(generated.resolve("hello_jsp.class")).isRegularFile();
        assertThat(generated.resolve("tag/web/box_tag.class")).isRegularFile();
    }

    @Test
    void a_jsp_file_servlet_of_web_xml_renders_its_page() {
        var response = server.get("/pages/page");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("<p>jsp-file page at /page</p>");
    }

    @Test
    void a_page_added_by_an_initializer_with_add_jsp_file_renders() {
        var response = server.get("/pages/added");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("<p>added by an initializer at /added</p>");
    }

    @Test
    void index_jsp_is_the_welcome_page_of_an_app_that_has_one() {
        var response = server.get("/welcome/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("welcome from index.jsp, 42");
    }

    @Test
    void without_an_index_jsp_the_apps_own_servlet_at_the_root_gets_the_directory() {
        var response = server.get("/front/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("front servlet for /");
        assertThat(server.get("/front/other.jsp").body()).contains("<p>other</p>");
    }

    @Test
    void a_jsp_in_a_jars_meta_inf_resources_is_compiled() {
        var response = server.get("/pages/fromjar/page.jsp");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("<p>a page from a jar: 42</p>");
    }

    @Test
    void jsp_fragment_and_tag_sources_are_never_sent() {
        var fragment = server.get("/pages/fragment.jspf");
        assertThat(fragment.statusCode()).isEqualTo(404);
        assertThat(fragment.body()).doesNotContain("fragment source");
        assertThat(server.get("/pages/WEB-INF/tags/box.tag").statusCode()).isEqualTo(404);
        assertThat(server.get("/pages/hello.jsp").body()).doesNotContain("taglib");
    }

    @Test
    void a_page_that_does_not_compile_answers_500_and_logs_one_line_with_file_and_line() {
        log.list.clear();
        var response = server.get("/pages/broken.jsp");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).doesNotContain("int x");
        assertThat(log.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.ERROR);
            assertThat(event.getFormattedMessage())
                    .startsWith("app /pages: JSP /broken.jsp does not compile: line 2: ")
                    .doesNotContain("\n");
            assertThat(event.getThrowableProxy()).isNull();
        });
    }

    @Test
    void a_page_that_does_not_translate_answers_500_and_logs_one_line_with_file_and_line() {
        log.list.clear();
        var response = server.get("/pages/unclosed.jsp");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(log.list).singleElement().satisfies(event -> assertThat(event.getFormattedMessage())
                .startsWith("app /pages: JSP /unclosed.jsp does not translate: line 2, column ")
                .doesNotContain("\n"));
    }

    @Test
    void a_jsp_file_page_that_does_not_translate_reports_the_same_error_on_every_request() {
        log.list.clear();
        assertThat(server.get("/pages/missing-taglib").statusCode()).isEqualTo(500);
        assertThat(server.get("/pages/missing-taglib").statusCode()).isEqualTo(500);
        assertThat(log.list).hasSize(2).allSatisfy(event -> assertThat(event.getFormattedMessage())
                .startsWith("app /pages: JSP /WEB-INF/missing-taglib.jsp does not translate: ")
                .contains("http://example.test/none"));
    }
}
