package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import dev.container.testing.UndertowFixture;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.CookieImpl;
import io.undertow.server.session.SessionConfig;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP sessions: in memory, with Tomcat's cookie defaults and the app's session-config. */
class SessionTest {
    private static final String SERVLET = """
            package app;
            @jakarta.servlet.annotation.WebServlet("/s")
            public class S extends jakarta.servlet.http.HttpServlet {
                protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                        jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                    var session = req.getSession();
                    if (req.getParameter("expire-after") != null) {
                        session.setMaxInactiveInterval(Integer.parseInt(req.getParameter("expire-after")));
                    }
                    Integer visits = (Integer) session.getAttribute("visits");
                    visits = visits == null ? 1 : visits + 1;
                    session.setAttribute("visits", visits);
                    resp.getWriter().print("visits=" + visits + " timeout=" + session.getMaxInactiveInterval()
                            + " url=" + resp.encodeURL("next"));
                }
            }
            """;

    @TempDir
    static Path state;
    @TempDir
    static Path wars;
    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        Path plain = new WarBuilder().java("app.S", SERVLET).buildWar(wars.resolve("plain.war"));
        Path configured = new WarBuilder().java("app.S", SERVLET)
                .file("WEB-INF/web.xml", """
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <session-config>
                            <session-timeout>2</session-timeout>
                            <cookie-config>
                              <name>SHOPSESSION</name>
                              <attribute><attribute-name>SameSite</attribute-name><attribute-value>Strict</attribute-value></attribute>
                            </cookie-config>
                          </session-config>
                        </web-app>
                        """)
                .buildWar(wars.resolve("configured.war"));
        Path urls = new WarBuilder().java("app.S", SERVLET)
                .file("WEB-INF/web.xml", """
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <session-config>
                            <tracking-mode>COOKIE</tracking-mode>
                            <tracking-mode>URL</tracking-mode>
                          </session-config>
                        </web-app>
                        """)
                .buildWar(wars.resolve("urls.war"));
        server = TestServer.start(state, p -> p.war(plain.toString()).war(configured.toString()).war(urls.toString()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void session_cookie_is_jsessionid_http_only_same_site_lax_at_the_context_path() {
        String cookie = server.get("/plain/s").headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("JSESSIONID=").contains("; Path=/plain")
                .contains("HttpOnly").contains("SameSite=Lax").doesNotContain("Secure");
    }

    @Test
    void session_persists_across_requests_that_send_the_cookie_back() {
        var first = server.get("/plain/s");
        assertThat(first.body()).startsWith("visits=1 ");
        var second = get("/plain/s", cookieOf(first));
        assertThat(second.body()).startsWith("visits=2 ");
        assertThat(second.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void encode_url_leaves_urls_alone_by_default() {
        assertThat(server.get("/plain/s").body()).endsWith(" url=next");
    }

    @Test
    void encode_url_adds_the_session_id_when_the_app_asks_for_url_tracking() {
        var first = server.get("/urls/s");
        assertThat(first.body()).containsPattern(" url=next;jsessionid=[^ ]+$");
        // With the cookie back, the container knows cookies work and stops rewriting.
        assertThat(get("/urls/s", cookieOf(first)).body()).endsWith(" url=next");
    }

    @Test
    void session_timeout_and_cookie_config_come_from_web_xml() {
        var response = server.get("/configured/s");
        assertThat(response.body()).contains("timeout=120");
        assertThat(response.headers().firstValue("Set-Cookie")).hasValueSatisfying(cookie -> assertThat(cookie)
                .startsWith("SHOPSESSION=").contains("Path=/configured").contains("HttpOnly")
                .contains("SameSite=Strict").doesNotContain("SameSite=Lax"));
    }

    @Test
    void session_default_timeout_is_thirty_minutes() {
        assertThat(server.get("/plain/s").body()).contains("timeout=1800");
    }

    @Test
    void session_expires_after_its_timeout() throws InterruptedException {
        var first = server.get("/plain/s?expire-after=1");
        String cookie = cookieOf(first);
        assertThat(get("/plain/s", cookie).body()).startsWith("visits=2 ");
        // Idle past the 1 s timeout, with margin for the expiry check: asking sooner to poll would
        // touch the session and keep it alive.
        Thread.sleep(2_500);
        assertThat(get("/plain/s", cookie).body()).startsWith("visits=1 ");
    }

    @Test
    void session_cookie_is_secure_when_the_request_came_over_tls() {
        SessionConfig plain = new SessionConfig() {
            public void setSessionId(HttpServerExchange exchange, String id) {
                exchange.setResponseCookie(new CookieImpl("JSESSIONID", id));
            }
            public void clearSession(HttpServerExchange exchange, String id) {
            }
            public String findSessionId(HttpServerExchange exchange) {
                return null;
            }
            public SessionCookieSource sessionCookieSource(HttpServerExchange exchange) {
                return SessionCookieSource.NONE;
            }
            public String rewriteUrl(String url, String id) {
                return url;
            }
        };
        var config = new SessionDefaults.SecureOverTls(plain);
        // The scheme a TLS listener would set; the wrapper must read it from the exchange.
        HttpHandler handler = exchange -> {
            exchange.setRequestScheme(exchange.getQueryParameters().get("scheme").getFirst());
            config.setSessionId(exchange, "abc");
            exchange.getResponseSender().send("ok");
        };
        try (var fixture = UndertowFixture.mount("/", handler)) {
            assertThat(fixture.get("/?scheme=https").headers().firstValue("Set-Cookie"))
                    .hasValueSatisfying(c -> assertThat(c).startsWith("JSESSIONID=abc").contains("; Secure"));
            assertThat(fixture.get("/?scheme=http").headers().firstValue("Set-Cookie"))
                    .hasValueSatisfying(c -> assertThat(c).startsWith("JSESSIONID=abc").doesNotContain("Secure"));
        }
    }

    private static String cookieOf(HttpResponse<String> response) {
        return response.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    private static HttpResponse<String> get(String path, String cookie) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Cookie", cookie).build());
    }
}
