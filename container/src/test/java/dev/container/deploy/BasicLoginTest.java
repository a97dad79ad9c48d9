package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** web.xml's security-constraint with BASIC login, and @ServletSecurity, against a --users file. */
class BasicLoginTest {
    @TempDir
    static Path state;
    @TempDir
    static Path files;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Path war = new WarBuilder()
                .java("app.Who", """
                        package app;
                        @jakarta.servlet.annotation.WebServlet({"/staff/who", "/open"})
                        public class Who extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                    jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.getWriter().print("user=" + req.getRemoteUser());
                            }
                        }
                        """)
                .java("app.Boss", """
                        package app;
                        @jakarta.servlet.annotation.WebServlet("/boss")
                        @jakarta.servlet.annotation.ServletSecurity(@jakarta.servlet.annotation.HttpConstraint(rolesAllowed = "boss"))
                        public class Boss extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                    jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.getWriter().print("boss=" + req.getRemoteUser());
                            }
                        }
                        """)
                .file("WEB-INF/web.xml", """
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <security-constraint>
                            <web-resource-collection>
                              <web-resource-name>staff</web-resource-name>
                              <url-pattern>/staff/*</url-pattern>
                            </web-resource-collection>
                            <auth-constraint><role-name>staff</role-name></auth-constraint>
                          </security-constraint>
                          <login-config><auth-method>BASIC</auth-method></login-config>
                          <security-role><role-name>staff</role-name></security-role>
                          <security-role><role-name>boss</role-name></security-role>
                        </web-app>
                        """)
                .buildWar(files.resolve("shop.war"));
        // sha256("s4lt" + "hunter2")
        String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest("s4lthunter2".getBytes(StandardCharsets.UTF_8)));
        Path users = Files.writeString(files.resolve("users.properties"), """
                # staff
                ann = secret, staff
                carl = {SHA-256}s4lt$%s, staff, boss
                dora = visitor
                """.formatted(hash));
        server = TestServer.start(state, p -> p.war(war.toString()).users(users));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void protected_resource_asks_for_basic_credentials_with_401() {
        var response = server.get("/shop/staff/who");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValue("Basic realm=\"Authentication required\"");
        assertThat(response.body()).doesNotContain("user=");
    }

    @Test
    void right_plain_password_with_the_role_is_let_in() {
        var response = get("/shop/staff/who", "ann", "secret");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("user=ann");
    }

    @Test
    void right_salted_sha256_password_is_let_in() {
        assertThat(get("/shop/staff/who", "carl", "hunter2").body()).isEqualTo("user=carl");
    }

    @Test
    void wrong_password_is_asked_again_with_401() {
        assertThat(get("/shop/staff/who", "ann", "Secret").statusCode()).isEqualTo(401);
        assertThat(get("/shop/staff/who", "carl", "s4lt$hunter2").statusCode()).isEqualTo(401);
        assertThat(get("/shop/staff/who", "nobody", "secret").statusCode()).isEqualTo(401);
    }

    @Test
    void user_without_the_role_gets_403() {
        assertThat(get("/shop/staff/who", "dora", "visitor").statusCode()).isEqualTo(403);
    }

    @Test
    void servlet_security_annotation_is_enforced_with_the_same_login() {
        assertThat(server.get("/shop/boss").statusCode()).isEqualTo(401);
        assertThat(get("/shop/boss", "ann", "secret").statusCode()).isEqualTo(403);
        assertThat(get("/shop/boss", "carl", "hunter2").body()).isEqualTo("boss=carl");
    }

    @Test
    void unprotected_resource_needs_no_login() {
        var response = server.get("/shop/open");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("user=null");
    }

    private static HttpResponse<String> get(String path, String user, String password) {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Basic " + token).build());
    }
}
