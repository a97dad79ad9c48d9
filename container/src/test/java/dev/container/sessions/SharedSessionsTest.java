package dev.container.sessions;

import static dev.container.testing.Cluster.cookie;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.container.storage.Schema;
import dev.container.testing.Await;
import dev.container.testing.LogCapture;
import dev.container.testing.Postgres;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSessionActivationListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared sessions on their own, below the container: two "nodes" (each an Undertow server
 * with its own pool and {@link SharedSessions}) serving one servlet app whose sessions live in a
 * real PostgreSQL, spoken to over HTTP. The container-level tests (two containers, a WAR with
 * {@code <distributable/>}) are in {@code ClusterSessionsTest}.
 */
class SharedSessionsTest {
    @RegisterExtension
    static final Postgres postgres = new Postgres();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Sessions destroyed, by id, with the count they had then: filled by {@link Destroyed} on either node. */
    private static final Duration WAIT = Duration.ofSeconds(30);
    static final Map<String, Object> destroyed = new ConcurrentHashMap<>();
    /** What {@link Tracker}s heard, on either node, in order: "will-passivate ID", "did-activate ID". */
    static final List<String> activations = new java.util.concurrent.CopyOnWriteArrayList<>();

    static Node a;
    static Node b;

    @BeforeAll
    static void start() throws Exception {
        // what the container's LogSetup does: its own lines at INFO (the tests' logback config says WARN)
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("container")).setLevel(Level.INFO);
        a = new Node("a");
        b = new Node("b");
    }

    @AfterAll
    static void stop() {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("container")).setLevel(null);
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void a_session_made_on_one_node_keeps_counting_on_the_other() {
        var first = a.get("/app/count", null);
        String cookie = cookie(first);
        assertThat(first.body()).isEqualTo("1");
        List<String> counts = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            counts.add((i % 2 == 0 ? b : a).get("/app/count", cookie).body());
        }
        assertThat(counts).containsExactly("2", "3", "4", "5", "6", "7");
    }

    @Test
    void a_changed_session_id_is_the_one_both_nodes_know() {
        String cookie = cookie(a.get("/app/count", null));
        var login = b.get("/app/login", cookie);
        String changed = cookie(login);
        assertThat(changed).isNotEqualTo(cookie);
        assertThat(a.get("/app/count", changed).body()).isEqualTo("2");
        // the old id is no session any more: a new one starts
        assertThat(a.get("/app/count", cookie).body()).isEqualTo("1");
    }

    @Test
    void an_activation_listener_attribute_hears_of_each_write_before_it_and_of_its_reading_on_the_other_node() {
        activations.clear();
        String cookie = cookie(a.get("/app/activation", null));
        String id = cookie.substring(cookie.indexOf('=') + 1);
        assertThat(activations).containsExactly("will-passivate " + id); // before the write: the row has passivated 1
        assertThat(b.get("/app/activation", cookie).body()).isEqualTo("passivated 1, activated true");
        assertThat(a.get("/app/activation", cookie).body()).isEqualTo("passivated 2, activated true");
        assertThat(activations).containsExactly("will-passivate " + id, "did-activate " + id, "will-passivate " + id,
                "did-activate " + id, "will-passivate " + id);
    }

    @Test
    void an_invalidated_session_is_gone_on_every_node() {
        String cookie = cookie(a.get("/app/count", null));
        assertThat(b.get("/app/logout", cookie).statusCode()).isEqualTo(200);
        assertThat(a.get("/app/count", cookie).body()).isEqualTo("1");
    }

    @Test
    void an_attribute_that_is_not_serializable_is_left_out_with_one_warning_per_name() {
        try (var log = LogCapture.start()) {
            String cookie = cookie(a.get("/app/count", null));
            assertThat(a.get("/app/unserializable", cookie).body()).isEqualTo("kept for this request");
            assertThat(a.get("/app/unserializable", cookie).body()).isEqualTo("kept for this request");
            assertThat(b.get("/app/unserializable", cookie).body()).isEqualTo("kept for this request");
            assertThat(a.get("/app/count", cookie).body()).isEqualTo("5");
            assertThat(log.messages(Level.WARN)).filteredOn(m -> m.contains("\"thing\"")).hasSize(2) // once a node
                    .allSatisfy(m -> assertThat(m).contains("app /app").contains(Unserializable.class.getName() + "$1")
                            .doesNotContain("\n"));
        }
    }

    @Test
    void an_expired_session_is_removed_once_and_its_listener_called() throws Exception {
        String cookie = cookie(a.get("/app/count?expire-after=1", null));
        String id = cookie.substring(cookie.indexOf('=') + 1);
        Await.until("the session expired and its listener called", WAIT, () -> destroyed.containsKey(id));
        assertThat(destroyed.get(id)).isEqualTo(1);
        assertThat(rows(id)).isZero();
        assertThat(b.get("/app/count", cookie).body()).isEqualTo("1");
    }

    @Test
    void with_postgres_away_a_request_with_a_session_answers_503_and_counting_resumes_when_it_is_back() throws Exception {
        String cookie = cookie(a.get("/app/count", null));
        try (var log = LogCapture.start()) {
            postgres.stop();
            try {
                for (Node node : List.of(a, b, a, b)) {
                    var refused = node.get("/app/count", cookie);
                    assertThat(refused.statusCode()).isEqualTo(503);
                    assertThat(refused.body()).isEqualTo(SessionsUnavailable.BODY);
                    assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
                }
                var fresh = a.get("/app/count", null);
                assertThat(fresh.statusCode()).isEqualTo(503);
                assertThat(fresh.headers().firstValue("Set-Cookie")).isEmpty();
                assertThat(a.get("/app/plain", null).body()).isEqualTo("no session needed");
            } finally {
                postgres.start();
            }
            Await.until("node a counting again", WAIT, () -> a.get("/app/count", cookie).statusCode() == 200);
            Await.until("node b counting again", WAIT, () -> b.get("/app/count", cookie).statusCode() == 200);
            assertThat(a.get("/app/count", cookie).body()).isEqualTo("4");
            assertThat(log.messages(Level.WARN)).filteredOn(m -> m.contains("PostgreSQL cannot be reached"))
                    .hasSize(2); // once a node, not once a request
            assertThat(log.messages(Level.INFO)).filteredOn(m -> m.contains("PostgreSQL reachable again")).hasSize(2);
        }
    }

    private static int rows(String id) throws Exception {
        return postgres.count("SELECT count(*) FROM container_sessions WHERE id = ?", id);
    }


    /** One node: its own pool, sessions part, and Undertow serving the app at /app. */
    static final class Node implements AutoCloseable {
        final HikariDataSource pool;
        final SharedSessions sessions;
        final DeploymentManager manager;
        final Undertow server;
        final int port;

        Node(String name) throws Exception {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(postgres.url());
            config.setUsername(postgres.user());
            config.setPassword(postgres.password());
            config.setMaximumPoolSize(4);
            config.setConnectionTimeout(2_000);
            config.setPoolName("sessions-" + name);
            pool = new HikariDataSource(config);
            Schema.migrate(pool); // as the storage does at start (both nodes: the second finds nothing to do)
            sessions = new SharedSessions(pool);
            sessions.start();
            DeploymentInfo info = Servlets.deployment()
                    .setClassLoader(SharedSessionsTest.class.getClassLoader())
                    .setContextPath("/app")
                    .setDeploymentName("app-" + name)
                    .addServlets(Servlets.servlet("count", Count.class).addMapping("/count"),
                            Servlets.servlet("login", Login.class).addMapping("/login"),
                            Servlets.servlet("logout", Logout.class).addMapping("/logout"),
                            Servlets.servlet("unserializable", Unserializable.class).addMapping("/unserializable"),
                            Servlets.servlet("plain", Plain.class).addMapping("/plain"),
                            Servlets.servlet("activation", Activation.class).addMapping("/activation"))
                    .addListener(Servlets.listener(Destroyed.class));
            sessions.apply(info, "/app");
            manager = Servlets.newContainer().addDeployment(info);
            manager.deploy();
            server = Undertow.builder().addHttpListener(0, "127.0.0.1")
                    .setHandler(Handlers.path().addPrefixPath("/app", manager.start())).build();
            server.start();
            port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        }

        HttpResponse<String> get(String path, String cookie) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(20));
            if (cookie != null) {
                request.header("Cookie", cookie);
            }
            try {
                return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new AssertionError(path + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        @Override
        public void close() {
            server.stop();
            try {
                manager.stop();
            } catch (jakarta.servlet.ServletException e) {
                throw new IllegalStateException(e);
            }
            manager.undeploy();
            sessions.stop();
            pool.close();
        }
    }

    public static final class Count extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            var session = req.getSession();
            if (req.getParameter("expire-after") != null) {
                session.setMaxInactiveInterval(Integer.parseInt(req.getParameter("expire-after")));
            }
            Integer count = (Integer) session.getAttribute("count");
            count = count == null ? 1 : count + 1;
            session.setAttribute("count", count);
            resp.getWriter().print(count);
        }
    }

    public static final class Login extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            req.getSession(false);
            resp.getWriter().print(req.changeSessionId());
        }
    }

    public static final class Logout extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            req.getSession().invalidate();
            resp.getWriter().print("bye");
        }
    }

    public static final class Unserializable extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            var session = req.getSession();
            session.setAttribute("thing", new Object() { });
            Integer count = (Integer) session.getAttribute("count");
            session.setAttribute("count", count + 1);
            resp.getWriter().print(session.getAttribute("thing") != null ? "kept for this request" : "lost");
        }
    }

    /** Keeps a {@link Tracker} in the session, written again at each request; answers what it heard. */
    public static final class Activation extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            var session = req.getSession();
            Tracker tracker = (Tracker) session.getAttribute("tracker");
            if (tracker == null) {
                session.setAttribute("tracker", new Tracker());
                resp.getWriter().print("new");
                return;
            }
            session.setAttribute("tracker", tracker); // changed: the session is written at the end
            resp.getWriter().print("passivated " + tracker.passivated + ", activated " + tracker.activated);
        }
    }

    /** Counts its passivations (a field that is written with it); activated is transient: true only once told. */
    public static final class Tracker implements java.io.Serializable, HttpSessionActivationListener {
        int passivated;
        transient boolean activated;

        @Override
        public void sessionWillPassivate(HttpSessionEvent event) {
            passivated++;
            activations.add("will-passivate " + event.getSession().getId());
        }

        @Override
        public void sessionDidActivate(HttpSessionEvent event) {
            activated = true;
            activations.add("did-activate " + event.getSession().getId());
        }
    }

    public static final class Plain extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().print("no session needed");
        }
    }

    public static final class Destroyed implements HttpSessionListener {
        @Override
        public void sessionDestroyed(HttpSessionEvent event) {
            Object count = event.getSession().getAttribute("count");
            destroyed.put(event.getSession().getId(), count == null ? "none" : count);
        }
    }
}
