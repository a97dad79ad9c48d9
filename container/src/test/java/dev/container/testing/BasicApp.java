package dev.container.testing;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/**
 * An app behind a BASIC login: {@code /who} answers {@code user=NAME} to a user with the role
 * {@code staff}; for the tests of users files, password hashes and lockout.
 */
public final class BasicApp {
    private BasicApp() {
    }

    /** Writes the WAR to file (its context path is the file's name without .war). */
    public static Path war(Path file) throws Exception {
        return new WarBuilder()
                .java("app.Who", """
                        package app;
                        @jakarta.servlet.annotation.WebServlet("/who")
                        @jakarta.servlet.annotation.ServletSecurity(@jakarta.servlet.annotation.HttpConstraint(rolesAllowed = "staff"))
                        public class Who extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                    jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.getWriter().print("user=" + req.getRemoteUser());
                            }
                        }
                        """)
                .file("WEB-INF/web.xml", """
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <login-config><auth-method>BASIC</auth-method></login-config>
                        </web-app>
                        """)
                .buildWar(file);
    }

    /** GET contextPath/who as user with password, by BASIC. */
    public static HttpResponse<String> who(TestServer server, String contextPath, String user, String password) {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return server.send(HttpRequest.newBuilder(server.uri(contextPath + "/who"))
                .header("Authorization", "Basic " + token).build());
    }
}
