package dev.container.admin;

import static dev.container.jobs.JobsFixture.awaitRuns;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.container.cli.ContainerCommand;
import dev.container.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's side of the admin channel over real HTTP: the page at {@code /}, the one-time
 * login link and its session cookie, the same-origin rule for changes made with the cookie, the
 * recent warnings, and new links for the bearer of the token.
 */
class DashboardTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path state;

    private TestServer server;
    private URI admin;
    private final HttpClient http = HttpClient.newHttpClient(); // follows no redirects, keeps no cookies

    @BeforeEach
    void start() {
        server = TestServer.start(state, p -> p.job("echo every 1h after 1h command echo by hand"));
        admin = URI.create(server.container().adminUrl().orElseThrow());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private URI newLink() {
        JsonNode answer = AdminClient.forStateDir(state).post("dashboard/link");
        return URI.create(answer.path("url").asText());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Opens a login link as a browser does; returns the Cookie header the browser then sends. */
    private String login() throws Exception {
        HttpResponse<String> opened = send(HttpRequest.newBuilder(newLink()));
        assertThat(opened.statusCode()).isEqualTo(303);
        String setCookie = opened.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private String origin() {
        return "http://" + admin.getRawAuthority();
    }

    @Test
    void a_login_link_sets_an_http_only_same_site_cookie_redirects_without_the_secret_and_works_once() throws Exception {
        URI link = newLink();
        assertThat(link.toString()).startsWith(admin + "?login=");

        HttpResponse<String> opened = send(HttpRequest.newBuilder(link));
        assertThat(opened.statusCode()).isEqualTo(303);
        assertThat(opened.headers().firstValue("Location")).hasValue("/");
        assertThat(opened.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(opened.headers().firstValue("Set-Cookie").orElseThrow())
                .matches("container-admin-" + admin.getPort() + "=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict");

        HttpResponse<String> again = send(HttpRequest.newBuilder(link));
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(again.body()).contains("container dashboard");
    }

    @Test
    void the_page_needs_the_session_and_allows_only_its_own_inline_script() throws Exception {
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(admin));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).contains("container dashboard").doesNotContain("<script");

        HttpResponse<String> page = send(HttpRequest.newBuilder(admin).header("Cookie", login()));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<title>container</title>").contains("Reload config");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .startsWith("default-src 'none'; script-src 'sha256-").contains("connect-src 'self'")
                .doesNotContain("unsafe-inline");
        // the page writes what the server says as text: no innerHTML, no document.write
        assertThat(page.body()).doesNotContain("innerHTML").doesNotContain("outerHTML").doesNotContain("document.write")
                .doesNotContain("insertAdjacentHTML");
    }

    @Test
    void the_api_takes_the_session_cookie_for_reads() throws Exception {
        String cookie = login();
        HttpResponse<String> jobs = send(HttpRequest.newBuilder(admin.resolve("jobs")).header("Cookie", cookie));
        assertThat(jobs.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(jobs.body()).path("jobs").get(0).path("name").asText()).isEqualTo("echo");

        HttpResponse<String> forged = send(HttpRequest.newBuilder(admin.resolve("jobs"))
                .header("Cookie", "container-admin-" + admin.getPort() + "=" + "ab".repeat(32)));
        assertThat(forged.statusCode()).isEqualTo(401);
    }

    @Test
    void a_change_with_the_cookie_must_come_from_the_admin_channels_own_origin() throws Exception {
        String cookie = login();
        HttpRequest.Builder run = HttpRequest.newBuilder(admin.resolve("jobs/echo/run"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Cookie", cookie);

        for (String otherOrigin : new String[] {"http://evil.example", "http://127.0.0.1:1", "null"}) {
            HttpResponse<String> refused = send(run.copy().header("Origin", otherOrigin));
            assertThat(refused.statusCode()).as(otherOrigin).isEqualTo(403);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(JSON.readTree(refused.body()).path("type").asText()).isEqualTo("tag:container,2026:cross-origin");
        }
        assertThat(send(run.copy().header("Sec-Fetch-Site", "same-site")).statusCode()).isEqualTo(403);
        assertThat(send(run.copy()).statusCode()).as("neither Origin nor Sec-Fetch-Site").isEqualTo(403);
        assertThat(server.container().jobs().status("echo").orElseThrow().runs()).isEmpty();

        assertThat(send(run.copy().header("Origin", origin())).statusCode()).isEqualTo(202);
        assertThat(awaitRuns(server.container().jobs(), "echo", 1, r -> r.manual())).hasSize(1);
        assertThat(send(run.copy().header("Sec-Fetch-Site", "same-origin")).statusCode()).isEqualTo(202);
    }

    @Test
    void the_bearer_token_needs_no_origin() throws Exception {
        String token = JSON.readTree(state.resolve(AdminServer.FILE).toFile()).path("token").asText();
        HttpResponse<String> run = send(HttpRequest.newBuilder(admin.resolve("jobs/echo/run"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + token)
                .header("Origin", "http://evil.example"));
        assertThat(run.statusCode()).isEqualTo(202);
    }

    @Test
    void container_dashboard_prints_a_new_link_that_logs_in() throws Exception {
        StringWriter out = new StringWriter();
        int status = ContainerCommand.commandLine().setOut(new PrintWriter(out))
                .execute("dashboard", "--state", state.toString());
        assertThat(status).isZero();
        String link = out.toString().trim();
        assertThat(link).matches(Pattern.quote(admin.toString()) + "\\?login=[0-9a-f]{64}");
        assertThat(send(HttpRequest.newBuilder(URI.create(link))).statusCode()).isEqualTo(303);
    }

    @Test
    void container_dashboard_without_a_server_says_where_it_looked() {
        server.close();
        StringWriter err = new StringWriter();
        int status = ContainerCommand.commandLine().setErr(new PrintWriter(err))
                .execute("dashboard", "--state", state.toString());
        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).startsWith("container: ").contains(state.resolve("admin.json").toString());
        server = TestServer.start(state, p -> { }); // for @AfterEach
    }

    @Test
    void recent_warnings_and_errors_are_listed_newest_last() throws Exception {
        LoggerFactory.getLogger("container").info("dashboard test: routine");
        LoggerFactory.getLogger("container").warn("dashboard test: something to see");
        JsonNode recent = AdminClient.forStateDir(state).get("log/recent");
        assertThat(recent.path("capacity").asInt()).isEqualTo(RecentLog.CAPACITY);
        JsonNode last = recent.path("entries").get(recent.path("entries").size() - 1);
        assertThat(last.path("level").asText()).isEqualTo("WARN");
        assertThat(last.path("logger").asText()).isEqualTo("container");
        assertThat(last.path("message").asText()).isEqualTo("dashboard test: something to see");
        assertThat(recent.toString()).doesNotContain("dashboard test: routine");
    }
}
