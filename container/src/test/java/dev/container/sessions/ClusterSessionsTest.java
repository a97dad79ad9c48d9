package dev.container.sessions;

import static dev.container.testing.Cluster.cookie;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.container.testing.Await;
import dev.container.testing.Cluster;
import dev.container.testing.LogCapture;
import dev.container.testing.Postgres;
import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two containers sharing one PostgreSQL ({@code storage { type = postgres }}) as two nodes of a
 * cluster behind a load balancer would, each serving a WAR that declares {@code <distributable/>}
 * and one that does not; requests of one session go to either node with the same cookie.
 */
class ClusterSessionsTest {
    @RegisterExtension
    static final Postgres postgres = new Postgres();
    /** The count is an object of the app's own class: read back on another node through the app's class loader. */
    private static final String COUNTER = """
            package app;
            @jakarta.servlet.annotation.WebServlet("/count")
            public class Count extends jakarta.servlet.http.HttpServlet {
                protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                        jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                    var session = req.getSession();
                    if (req.getParameter("expire-after") != null) {
                        session.setMaxInactiveInterval(Integer.parseInt(req.getParameter("expire-after")));
                    }
                    Counter count = (Counter) session.getAttribute("count");
                    count = count == null ? new Counter() : count;
                    count.value++;
                    session.setAttribute("count", count);
                    resp.getWriter().print(count);
                }
            }
            """;
    private static final String COUNTER_CLASS = """
            package app;
            public class Counter implements java.io.Serializable {
                int value;
                public String toString() {
                    return String.valueOf(value);
                }
            }
            """;
    private static final String WHO = """
            package app;
            @jakarta.servlet.annotation.WebServlet("/private/who")
            public class Who extends jakarta.servlet.http.HttpServlet {
                protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                        jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                    resp.getWriter().print("user=" + req.getRemoteUser());
                }
            }
            """;
    /** Writes "id count" to the file named by the context param "destroyed" for each destroyed session. */
    private static final String LISTENER = """
            package app;
            @jakarta.servlet.annotation.WebListener
            public class Ends implements jakarta.servlet.http.HttpSessionListener {
                public void sessionDestroyed(jakarta.servlet.http.HttpSessionEvent event) {
                    var session = event.getSession();
                    String file = session.getServletContext().getInitParameter("destroyed");
                    try {
                        java.nio.file.Files.writeString(java.nio.file.Path.of(file),
                                session.getId() + " " + session.getAttribute("count") + "\\n",
                                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
            """;

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static Cluster cluster;
    static Path users;
    static Path distributable;
    static Path plain;
    static Path destroyed;
    static TestServer a;
    static TestServer b;

    @BeforeAll
    static void start() throws Exception {
        destroyed = dir.resolve("destroyed.txt");
        distributable = new WarBuilder().java("app.Count", COUNTER).java("app.Counter", COUNTER_CLASS)
                .java("app.Who", WHO).java("app.Ends", LISTENER)
                .file("login.html", "<form method=post action=j_security_check></form>")
                .file("WEB-INF/web.xml", """
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <distributable/>
                          <context-param><param-name>destroyed</param-name><param-value>%s</param-value></context-param>
                          <security-constraint>
                            <web-resource-collection><url-pattern>/private/*</url-pattern></web-resource-collection>
                            <auth-constraint><role-name>staff</role-name></auth-constraint>
                          </security-constraint>
                          <login-config>
                            <auth-method>FORM</auth-method>
                            <form-login-config>
                              <form-login-page>/login.html</form-login-page>
                              <form-error-page>/login.html</form-error-page>
                            </form-login-config>
                          </login-config>
                          <security-role><role-name>staff</role-name></security-role>
                        </web-app>
                        """.formatted(destroyed))
                .buildWar(dir.resolve("dist.war"));
        plain = new WarBuilder().java("app.Count", COUNTER).java("app.Counter", COUNTER_CLASS)
                .buildWar(dir.resolve("plain.war"));
        users = Files.writeString(dir.resolve("users.properties"), "ann = secret, staff\n");
        cluster = Cluster.onMain(postgres, dir);
        a = node("a");
        b = node("b");
    }

    static TestServer node(String name) throws Exception {
        Path config = cluster.config(name, "");
        return TestServer.startWith(Files.createDirectories(cluster.state(name)), p -> p.configFile(config)
                .war(distributable.toString()).war(plain.toString()).users(users));
    }

    @AfterAll
    static void stop() {
        for (TestServer node : new TestServer[] {a, b}) {
            if (node != null) {
                node.close();
            }
        }
    }

    @Test
    void requests_alternating_between_the_nodes_keep_counting() {
        var first = a.get("/dist/count");
        String cookie = cookie(first);
        List<String> counts = new ArrayList<>(List.of(first.body()));
        for (int i = 0; i < 7; i++) {
            counts.add(get(i % 2 == 0 ? b : a, "/dist/count", cookie).body());
        }
        assertThat(counts).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
    }

    @Test
    void the_session_outlives_the_node_that_made_it() throws Exception {
        TestServer c;
        var containerLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("container");
        containerLog.setLevel(Level.INFO); // the deploy lines (the tests' logback config says WARN)
        try (var log = LogCapture.start()) {
            c = node("c");
            assertThat(log.messages(Level.INFO)).contains("app /dist: <distributable/>: sessions kept in PostgreSQL,"
                    + " shared by the nodes").noneMatch(m -> m.startsWith("app /plain: <distributable/>"));
        } finally {
            containerLog.setLevel(null);
        }
        String cookie;
        try {
            cookie = cookie(c.get("/dist/count"));
            assertThat(get(a, "/dist/count", cookie).body()).isEqualTo("2");
            assertThat(get(c, "/dist/count", cookie).body()).isEqualTo("3");
        } finally {
            c.close();
        }
        assertThat(get(b, "/dist/count", cookie).body()).isEqualTo("4");
        assertThat(get(a, "/dist/count", cookie).body()).isEqualTo("5");
    }

    @Test
    void an_app_without_distributable_keeps_its_sessions_in_each_nodes_memory() throws Exception {
        String cookie = cookie(a.get("/plain/count"));
        assertThat(get(a, "/plain/count", cookie).body()).isEqualTo("2");
        assertThat(get(b, "/plain/count", cookie).body()).isEqualTo("1");
        assertThat(rowsOf("/plain")).isZero();
    }

    @Test
    void a_form_login_on_one_node_holds_on_the_other_under_its_new_session_id() {
        var challenge = a.get("/dist/private/who");
        assertThat(challenge.body()).contains("j_security_check");
        String before = cookie(challenge);
        var login = b.send(HttpRequest.newBuilder(b.uri("/dist/j_security_check"))
                .header("Cookie", before)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("j_username=ann&j_password="
                        + URLEncoder.encode("secret", StandardCharsets.UTF_8)))
                .build());
        assertThat(login.statusCode()).isEqualTo(302);
        String after = cookie(login);
        assertThat(after).isNotEqualTo(before); // changeSessionId: no session fixation
        assertThat(get(a, "/dist/private/who", after).body()).isEqualTo("user=ann");
        assertThat(get(b, "/dist/private/who", after).body()).isEqualTo("user=ann");
        assertThat(get(a, "/dist/private/who", before).body()).contains("j_security_check");
    }

    @Test
    void an_expired_session_is_removed_and_its_listener_called_on_one_node() throws Exception {
        String cookie = cookie(a.get("/dist/count?expire-after=1"));
        String id = cookie.substring(cookie.indexOf('=') + 1);
        assertThat(get(b, "/dist/count", cookie).body()).isEqualTo("2");
        Await.until("the listener called for " + id, WAIT,
                () -> destroyedLines().stream().anyMatch(l -> l.startsWith(id + " ")));
        assertThat(destroyedLines()).filteredOn(l -> l.startsWith(id + " ")).containsExactly(id + " 2");
        assertThat(rows(id)).isZero();
        assertThat(get(a, "/dist/count", cookie).body()).isEqualTo("1");
    }

    @Test
    void with_postgres_stopped_the_distributable_app_answers_503_the_other_serves_and_counting_resumes() throws Exception {
        String cookie = cookie(a.get("/dist/count"));
        String plainCookie = cookie(b.get("/plain/count"));
        try (var log = LogCapture.start()) {
            postgres.stop();
            try {
                for (TestServer node : List.of(a, b, a, b, a)) {
                    var refused = get(node, "/dist/count", cookie);
                    assertThat(refused.statusCode()).isEqualTo(503);
                    assertThat(refused.body()).isEqualTo(SessionsUnavailable.BODY);
                }
                assertThat(get(b, "/plain/count", plainCookie).body()).isEqualTo("2");
                assertThat(a.get("/dist/login.html").statusCode()).isEqualTo(200); // no session needed
            } finally {
                postgres.start();
            }
            Await.until("node a counting again", WAIT, () -> get(a, "/dist/count", cookie).statusCode() == 200);
            Await.until("node b counting again", WAIT, () -> get(b, "/dist/count", cookie).statusCode() == 200);
            assertThat(get(a, "/dist/count", cookie).body()).isEqualTo("4");
            assertThat(log.messages(Level.WARN)).filteredOn(m -> m.startsWith("sessions: PostgreSQL cannot be reached"))
                    .hasSize(2); // once a node, not once a request
        }
    }

    private static HttpResponse<String> get(TestServer node, String path, String cookie) {
        return node.send(HttpRequest.newBuilder(node.uri(path)).header("Cookie", cookie).build());
    }

    private static List<String> destroyedLines() {
        try {
            return Files.exists(destroyed) ? Files.readAllLines(destroyed) : List.of();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int rows(String id) throws Exception {
        return postgres.count("SELECT count(*) FROM container_sessions WHERE id = ?", id);
    }

    private static int rowsOf(String app) throws Exception {
        return postgres.count("SELECT count(*) FROM container_sessions WHERE app = ?", app);
    }
}
