package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What real apps rely on beyond mapping requests to servlets: request dispatching, real paths,
 * per-app context attributes and init-params, multipart limits and temporary files, async timeouts.
 * Two apps built from the same classes, so anything shared between them would show.
 */
class ServletBehaviourTest {
    private static final String SERVLETS = """
            package app;
            import jakarta.servlet.*;
            import jakarta.servlet.annotation.*;
            import jakarta.servlet.http.*;
            import java.io.IOException;

            public class Servlets {
                @WebServlet("/target")
                public static class Target extends HttpServlet {
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        resp.getWriter().print("target(" + req.getDispatcherType() + " uri=" + req.getRequestURI()
                                + " forwarded-from=" + req.getAttribute(RequestDispatcher.FORWARD_REQUEST_URI)
                                + " included=" + req.getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH) + ")");
                    }
                }

                @WebServlet("/forward")
                public static class Forward extends HttpServlet {
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
                        resp.getWriter().print("lost when forwarding");
                        req.getRequestDispatcher("/target").forward(req, resp);
                    }
                }

                @WebServlet("/include")
                public static class Include extends HttpServlet {
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
                        resp.getWriter().print("before|");
                        req.getRequestDispatcher("/target").include(req, resp);
                        resp.getWriter().print("|after");
                    }
                }

                @WebServlet("/real-path")
                public static class RealPath extends HttpServlet {
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        resp.getWriter().print(getServletContext().getRealPath(req.getParameter("p")));
                    }
                }

                @WebServlet("/attribute")
                public static class Attribute extends HttpServlet {
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        if (req.getParameter("set") != null) {
                            getServletContext().setAttribute("shared", req.getParameter("set"));
                        }
                        resp.getWriter().print("shared=" + getServletContext().getAttribute("shared")
                                + " param=" + getServletContext().getInitParameter("who"));
                    }
                }

                /** Declared in web.xml with a multipart-config: at most 16 bytes a file, all on disk. */
                public static class Upload extends HttpServlet {
                    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
                        if (req.getParameter("catch") != null) {
                            try {
                                req.getParts();
                            } catch (IllegalStateException e) {
                                resp.setStatus(413);
                                resp.getWriter().print("too large: " + e.getClass().getSimpleName());
                                return;
                            }
                        }
                        var out = new StringBuilder();
                        for (Part part : req.getParts()) {
                            out.append(part.getName()).append('=').append(part.getSize()).append(' ');
                        }
                        java.io.File temp = (java.io.File) getServletContext().getAttribute(ServletContext.TEMPDIR);
                        try (var files = java.nio.file.Files.walk(temp.toPath())) {
                            out.append("files-in-tempdir=").append(files.filter(java.nio.file.Files::isRegularFile).count());
                        }
                        out.append(" tempdir=").append(temp);
                        resp.getWriter().print(out);
                    }
                }

                @WebServlet(urlPatterns = "/async-timeout", asyncSupported = true)
                public static class AsyncTimeout extends HttpServlet {
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                        boolean answer = req.getParameter("answer") != null;
                        AsyncContext async = req.startAsync();
                        async.setTimeout(200);
                        async.addListener(new AsyncListener() {
                            public void onTimeout(AsyncEvent event) throws IOException {
                                getServletContext().setAttribute("timeouts",
                                        1 + (Integer) java.util.Objects.requireNonNullElse(getServletContext().getAttribute("timeouts"), 0));
                                if (answer) {
                                    var response = (HttpServletResponse) event.getAsyncContext().getResponse();
                                    response.setStatus(503);
                                    response.getWriter().print("timed out, said the app");
                                    event.getAsyncContext().complete();
                                }
                            }
                            public void onComplete(AsyncEvent event) {}
                            public void onError(AsyncEvent event) {}
                            public void onStartAsync(AsyncEvent event) {}
                        });
                    }
                }

                @WebServlet("/timeouts")
                public static class Timeouts extends HttpServlet {
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        resp.getWriter().print("timeouts=" + getServletContext().getAttribute("timeouts"));
                    }
                }
            }
            """;

    private static final String WEB_XML = """
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
              <context-param><param-name>who</param-name><param-value>%s</param-value></context-param>
              <servlet>
                <servlet-name>upload</servlet-name>
                <servlet-class>app.Servlets$Upload</servlet-class>
                <multipart-config>
                  <max-file-size>16</max-file-size>
                  <file-size-threshold>0</file-size-threshold>
                </multipart-config>
              </servlet>
              <servlet-mapping><servlet-name>upload</servlet-name><url-pattern>/upload</url-pattern></servlet-mapping>
            </web-app>
            """;

    @TempDir
    static Path state;
    @TempDir
    static Path wars;
    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        Path one = app("one");
        Path two = app("two");
        server = TestServer.start(state, p -> p.war(one.toString()).war(two.toString()));
    }

    private static Path app(String name) throws IOException {
        return new WarBuilder()
                .java("app.Servlets", SERVLETS)
                .file("WEB-INF/web.xml", WEB_XML.formatted("app " + name))
                .file("notes/readme.txt", "the readme of " + name)
                .buildWar(wars.resolve(name + ".war"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void forward_clears_the_buffer_and_shows_the_target_with_the_original_uri() {
        assertThat(server.get("/one/forward").body())
                .isEqualTo("target(FORWARD uri=/one/target forwarded-from=/one/forward included=null)");
    }

    @Test
    void include_inserts_the_target_into_the_including_response() {
        assertThat(server.get("/one/include").body())
                .isEqualTo("before|target(INCLUDE uri=/one/include forwarded-from=null included=/target)|after");
    }

    @Test
    void real_path_is_the_file_in_the_unpacked_app() throws IOException {
        Path real = Path.of(server.get("/one/real-path?p=/notes/readme.txt").body());
        assertThat(real).startsWith(state.toRealPath());
        assertThat(Files.readString(real)).isEqualTo("the readme of one");
    }

    @Test
    void context_attributes_belong_to_one_app() {
        assertThat(server.get("/one/attribute?set=first").body()).startsWith("shared=first ");
        assertThat(server.get("/two/attribute").body()).startsWith("shared=null ");
        assertThat(server.get("/one/attribute").body()).startsWith("shared=first ");
    }

    @Test
    void context_init_params_come_from_each_apps_web_xml() {
        assertThat(server.get("/one/attribute").body()).endsWith(" param=app one");
        assertThat(server.get("/two/attribute").body()).endsWith(" param=app two");
    }

    @Test
    void multipart_config_from_web_xml_keeps_uploads_in_the_apps_temp_dir_under_the_state_dir() throws IOException {
        var response = upload("/one/upload", "0123456789");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("file=10 files-in-tempdir=1 tempdir=");
        Path tempDir = Path.of(response.body().substring(response.body().lastIndexOf(" tempdir=") + " tempdir=".length()));
        assertThat(tempDir.toRealPath()).startsWith(state.toRealPath());
    }

    @Test
    void upload_over_max_file_size_fails_get_parts_and_answers_500_when_the_app_does_not_catch_it() {
        // Servlet 6.0 §3.2: getParts throws IllegalStateException; uncaught, that is a 500, as on Tomcat.
        var response = upload("/one/upload", "x".repeat(17));
        assertThat(response.statusCode()).isEqualTo(500);
    }

    @Test
    void upload_over_max_file_size_is_an_illegal_state_exception_the_app_can_answer_413_for() {
        var response = upload("/one/upload?catch=yes", "x".repeat(17));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).isEqualTo("too large: IllegalStateException");
    }

    @Test
    void async_timeout_calls_on_timeout_and_answers_500_when_the_app_does_not() {
        int before = timeouts();
        var response = server.get("/two/async-timeout");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(timeouts()).isEqualTo(before + 1);
    }

    @Test
    void async_timeout_answer_written_by_on_timeout_is_sent() {
        var response = server.get("/one/async-timeout?answer=yes");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("timed out, said the app");
    }

    private static int timeouts() {
        String body = server.get("/two/timeouts").body();
        return body.equals("timeouts=null") ? 0 : Integer.parseInt(body.substring("timeouts=".length()));
    }

    private static HttpResponse<String> upload(String path, String content) {
        String boundary = "----behaviour";
        String body = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"f.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n"
                + content + "\r\n"
                + "--" + boundary + "--\r\n";
        return server.send(HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
