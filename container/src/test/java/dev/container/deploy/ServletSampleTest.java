package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.Samples;
import dev.container.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample servlet WAR (samples/servlet, with its fragment jar) deployed beside the static
 * site: each web.xml, annotation and initializer feature answers as Tomcat would.
 */
class ServletSampleTest {
    @TempDir
    static Path state;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(state, p -> p.war(Samples.servletWar().toString()).staticDir(Samples.site().toString(), false)
                .users(Samples.users()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void annotated_servlet_sees_its_init_param_the_context_param_and_the_listener_attribute() {
        var response = server.get("/servlet/hello");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("Hello from the servlet sample")
                .contains("started-by=web.xml listener");
    }

    @Test
    void web_xml_servlet_is_loaded_on_startup_with_its_init_param_and_path_mapping() {
        assertThat(server.get("/servlet/hello").body()).contains("echo-loaded-on-startup=true");
        var response = server.get("/servlet/echo/some/path");
        assertThat(response.body()).contains("path-info=/some/path").contains("mode=loud").contains("method=GET");
    }

    @Test
    void web_xml_filter_runs_on_requests_and_error_dispatches() {
        assertThat(server.get("/servlet/hello").headers().firstValue("X-Sample-Filter")).hasValue("web.xml:REQUEST");
        assertThat(server.get("/servlet/missing").headers().firstValue("X-Sample-Filter")).hasValue("web.xml:ERROR");
    }

    @Test
    void annotated_filter_mapped_by_servlet_name_runs_only_for_that_servlet() {
        assertThat(server.get("/servlet/echo/x").headers().firstValue("X-Echo-Filter")).hasValue("annotation");
        assertThat(server.get("/servlet/hello").headers().firstValue("X-Echo-Filter")).isEmpty();
    }

    @Test
    void annotated_request_listener_counts_requests() {
        server.get("/servlet/echo/one");
        assertThat(server.get("/servlet/hello").body()).containsPattern("requests=[1-9][0-9]*");
    }

    @Test
    void welcome_file_is_served_for_the_context_root() {
        var response = server.get("/servlet/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("<h1>servlet sample</h1>");
    }

    @Test
    void context_path_without_slash_redirects_to_the_welcome_file() {
        var response = server.get("/servlet");
        assertThat(response.statusCode()).isIn(301, 302, 307, 308);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/servlet/"));
    }

    @Test
    void error_page_by_status_code_is_served_with_that_status() {
        var response = server.get("/servlet/no-such-page");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("servlet sample: page not found");
    }

    @Test
    void error_page_by_exception_type_receives_the_exception() {
        var response = server.get("/servlet/boom");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("error page: class java.lang.IllegalStateException status=500");
    }

    @Test
    void mime_mapping_from_web_xml_sets_the_content_type() {
        var response = server.get("/servlet/data.sample");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/x-sample"));
    }

    @Test
    void session_uses_the_web_xml_timeout_and_survives_between_requests() {
        var first = server.get("/servlet/session");
        assertThat(first.body()).contains("visits=1").contains("timeout=900");
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertThat(cookie).startsWith("JSESSIONID=");
        var second = server.send(HttpRequest.newBuilder(server.uri("/servlet/session")).header("Cookie", cookie).build());
        assertThat(second.body()).contains("visits=2");
    }

    @Test
    void multipart_upload_reaches_a_multipart_config_servlet() {
        String boundary = "----container-test";
        String body = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n"
                + "hello\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
                + "hi\r\n"
                + "--" + boundary + "--\r\n";
        var response = server.send(HttpRequest.newBuilder(server.uri("/servlet/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("file a.txt 5").contains("note null 2");
    }

    @Test
    void async_servlet_completes_from_another_thread() {
        var response = server.get("/servlet/async?delay=50");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("async done after 50ms");
    }

    @Test
    void protected_page_shows_the_form_login_page_to_a_visitor_who_is_not_signed_in() {
        var response = server.get("/servlet/account");
        // As Tomcat and Undertow do: the login page is forwarded to, at the URL asked for.
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("j_security_check").doesNotContain("signed in as");
        assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(c -> assertThat(c).contains("no-store"));
    }

    @Test
    void form_login_with_the_right_password_returns_to_the_page_asked_for() {
        String visitor = cookieOf(server.get("/servlet/account"));
        var login = postLogin(visitor, "bob", "builder");
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/servlet/account"));
        String signedIn = login.headers().firstValue("Set-Cookie").map(c -> c.split(";")[0]).orElse(visitor);
        var page = server.send(HttpRequest.newBuilder(server.uri("/servlet/account")).header("Cookie", signedIn).build());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("signed in as bob, admin=false, auth=FORM");
    }

    @Test
    void form_login_with_a_wrong_password_shows_the_form_error_page() {
        String visitor = cookieOf(server.get("/servlet/account"));
        var login = postLogin(visitor, "bob", "wrong");
        assertThat(login.body()).contains("Sign-in failed");
        var page = server.send(HttpRequest.newBuilder(server.uri("/servlet/account")).header("Cookie", visitor).build());
        assertThat(page.body()).doesNotContain("signed in as");
    }

    @Test
    void servlet_security_annotation_refuses_a_signed_in_user_without_the_role() {
        assertThat(getSignedIn("bob", "builder", "/servlet/secure").statusCode()).isEqualTo(403);
    }

    @Test
    void servlet_security_annotation_lets_a_user_with_the_role_in() {
        var response = getSignedIn("alice", "wonderland", "/servlet/secure");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("secret for alice");
    }

    private static java.net.http.HttpResponse<String> getSignedIn(String user, String password, String path) {
        String visitor = cookieOf(server.get(path));
        var login = postLogin(visitor, user, password);
        assertThat(login.statusCode()).isEqualTo(302);
        String signedIn = login.headers().firstValue("Set-Cookie").map(c -> c.split(";")[0]).orElse(visitor);
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Cookie", signedIn).build());
    }

    private static java.net.http.HttpResponse<String> postLogin(String cookie, String user, String password) {
        return server.send(HttpRequest.newBuilder(server.uri("/servlet/j_security_check"))
                .header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("j_username=" + user + "&j_password=" + password))
                .build());
    }

    private static String cookieOf(java.net.http.HttpResponse<String> response) {
        return response.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    @Test
    void servlet_declared_in_a_web_fragment_is_served() {
        assertThat(server.get("/servlet/fragment").body()).isEqualTo("fragment servlet, source=web-fragment.xml");
    }

    @Test
    void container_initializer_from_a_library_jar_receives_its_handles_types_classes() {
        var body = server.get("/servlet/greeters").body();
        assertThat(body).contains("samples.servlet.EnglishGreeter").contains("Hello, container!");
    }

    @Test
    void static_site_at_root_and_app_at_its_context_path_are_served_side_by_side() {
        assertThat(server.get("/").body()).contains("Static site served by container");
        assertThat(server.get("/css/site.css").headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
        assertThat(server.get("/servlet/hello").body()).contains("Hello from");
    }

    @Test
    void path_that_only_shares_a_prefix_with_an_app_goes_to_the_static_mount() {
        assertThat(server.get("/servletx/index.html").statusCode()).isEqualTo(404);
        assertThat(server.get("/servletx/index.html").body()).doesNotContain("servlet sample");
    }

    @Test
    void jsp_page_renders_with_jstl_el_a_scriptlet_and_a_tag_file() {
        var response = server.get("/servlet/greeting.jsp?name=sample");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("<h1>Hello, sample!</h1>")
                .contains("A JSP page of the servlet sample at /servlet; a scriptlet says 42.")
                .contains("<section class=\"panel\"><h2>Frameworks beside this one</h2>")
                .contains("<li class=\"framework\">3. spring-boot</li>")
                .doesNotContain("<c:").doesNotContain("<%");
    }

    @Test
    void jsp_file_servlet_of_web_xml_serves_its_page_at_its_own_path() {
        var response = server.get("/servlet/about");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("This page is /WEB-INF/jsp/about.jsp, served at /about");
    }

    @Test
    void web_inf_is_never_served() {
        assertThat(server.get("/servlet/WEB-INF/web.xml").statusCode()).isEqualTo(404);
        assertThat(server.get("/servlet/META-INF/MANIFEST.MF").statusCode()).isEqualTo(404);
    }

    @Test
    void notes_say_how_to_give_them_a_database_when_the_app_has_none() {
        var response = server.get("/servlet/notes");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("resources { \"jdbc/notes\" { type = datasource");
    }

    @Test
    void notes_are_kept_in_the_database_the_config_file_gives_the_app(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("notes.conf"), """
                apps = [{ war = "%s", resources { "jdbc/notes" { type = datasource, url = "jdbc:h2:mem:notes" } } }]
                """.formatted(Samples.servletWar().toString().replace("\\", "\\\\")));
        try (TestServer notes = TestServer.start(dir.resolve("state"), p -> p.configFile(conf))) {
            addNote(notes, "first");
            var response = addNote(notes, "second");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("1. first\n2. second\n");
        }
    }

    private static java.net.http.HttpResponse<String> addNote(TestServer to, String text) {
        return to.send(HttpRequest.newBuilder(to.uri("/servlet/notes"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("text=" + text)).build());
    }
}
