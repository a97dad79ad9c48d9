package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.container.testing.RawHttp;
import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * An app that throws in a filter, a servlet (in service and in init) or its listener's
 * contextInitialized: the visitor gets 500 (503 for the app that did not start) with no stack
 * trace, class name or message in the body outside dev mode, the log gets one line per failure
 * (repeats of one within a minute counted, not logged) and no stack trace, and the other apps
 * answer as usual. In dev mode the detailed page stays.
 */
class AppFaultsTest {
    /** What must never reach a visitor outside dev mode: class names, messages, frames. */
    private static final List<String> LEAKS = List.of("Exception", "secret", "bad.", "failing.", ".java", "\tat ");

    @TempDir
    static Path dir;
    static TestServer server;
    static TestServer devServer;
    static final ListAppender<ILoggingEvent> log = new ListAppender<>();
    static final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    static List<ILoggingEvent> startProblems;

    @BeforeAll
    static void start() throws IOException {
        root.addAppender(log);
        log.start();
        Path bad = new WarBuilder()
                .java("bad.Boom", """
                        package bad;
                        @jakarta.servlet.annotation.WebServlet("/boom")
                        public class Boom extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.getWriter().print("half an answer");
                                throw new IllegalStateException("secret detail of the servlet");
                            }
                        }
                        """)
                .java("bad.Filter", """
                        package bad;
                        @jakarta.servlet.annotation.WebFilter("/filtered/*")
                        public class Filter implements jakarta.servlet.Filter {
                            public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse resp,
                                                 jakarta.servlet.FilterChain chain) {
                                throw new NullPointerException("secret detail of the filter");
                            }
                        }
                        """)
                .java("bad.BadInit", """
                        package bad;
                        @jakarta.servlet.annotation.WebServlet("/bad-init")
                        public class BadInit extends jakarta.servlet.http.HttpServlet {
                            public void init() throws jakarta.servlet.ServletException {
                                throw new jakarta.servlet.ServletException("secret detail of init");
                            }
                        }
                        """)
                .java("bad.Other", """
                        package bad;
                        @jakarta.servlet.annotation.WebServlet("/other")
                        public class Other extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) {
                                throw new UnsupportedOperationException("another failure");
                            }
                        }
                        """)
                .file("ok.html", "still serving")
                .buildWar(dir.resolve("bad.war"));
        Path failing = new WarBuilder()
                .java("failing.Listener", """
                        package failing;
                        @jakarta.servlet.annotation.WebListener
                        public class Listener implements jakarta.servlet.ServletContextListener {
                            public void contextInitialized(jakarta.servlet.ServletContextEvent e) {
                                throw new IllegalStateException("secret detail of the listener");
                            }
                        }
                        """)
                .buildWar(dir.resolve("failing.war"));
        Path fine = new WarBuilder().file("index.html", "fine").buildWar(dir.resolve("fine.war"));
        server = TestServer.start(dir.resolve("state"), p -> p
                .war(bad.toString()).war(failing.toString()).war(fine.toString()));
        startProblems = problems();
        devServer = TestServer.start(dir.resolve("dev-state"), p -> p.war(bad.toString()).dev(true));
    }

    @AfterAll
    static void stop() {
        server.close();
        devServer.close();
        root.detachAppender(log);
    }

    @BeforeEach
    void clearLog() {
        log.list.clear();
    }

    private static RawHttp get(String path) {
        return RawHttp.get(server.port(), "localhost", path);
    }

    /** The WARN and ERROR events logged since the test began (the start's events for the start test). */
    private static List<ILoggingEvent> problems() {
        return List.copyOf(log.list).stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
    }

    @Test
    void servlet_that_throws_answers_500_with_a_generic_body_and_logs_one_line() {
        RawHttp response = get("/bad/boom");
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.body()).contains("Internal Server Error").doesNotContain(LEAKS).doesNotContain("half an answer");
        assertThat(problems()).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).isEqualTo("app /bad: GET /bad/boom failed: java.lang.IllegalStateException: "
                    + "secret detail of the servlet at bad.Boom.doGet(Boom.java:7)");
            assertThat(e.getThrowableProxy()).isNull();
        });
    }

    @Test
    void filter_that_throws_answers_500_with_a_generic_body_and_logs_one_line() {
        RawHttp response = get("/bad/filtered/anything");
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.body()).contains("Internal Server Error").doesNotContain(LEAKS);
        assertThat(problems()).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).startsWith("app /bad: GET /bad/filtered/anything failed: "
                    + "java.lang.NullPointerException: secret detail of the filter at bad.Filter.doFilter(");
            assertThat(e.getThrowableProxy()).isNull();
        });
    }

    @Test
    void servlet_whose_init_throws_answers_500_on_each_request_and_the_repeats_are_counted_not_logged() {
        for (int i = 0; i < 3; i++) {
            RawHttp response = get("/bad/bad-init");
            assertThat(response.status()).isEqualTo(500);
            assertThat(response.body()).doesNotContain(LEAKS);
        }
        assertThat(problems()).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).startsWith("app /bad: GET /bad/bad-init failed: ")
                    .contains("secret detail of init");
            assertThat(e.getThrowableProxy()).isNull();
        });
    }

    @Test
    void app_whose_listener_throws_answers_503_without_details_and_was_logged_in_one_line() {
        RawHttp response = get("/failing/");
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("503 Service Unavailable: the application at /failing failed to start\n");
        assertThat(response.body()).doesNotContain(LEAKS);
        assertThat(startProblems).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).isEqualTo("app /failing failed to start, answering 503: failing: failed to "
                    + "start: java.lang.IllegalStateException: secret detail of the listener at "
                    + "failing.Listener.contextInitialized(Listener.java:5)");
            assertThat(e.getThrowableProxy()).isNull();
        });
    }

    @Test
    void failing_apps_leave_the_same_app_and_the_other_apps_serving() {
        // (a failure of its own: each failure kind is logged once a minute, and the other tests count lines)
        assertThat(get("/bad/other").status()).isEqualTo(500);
        assertThat(get("/bad/ok.html").body()).isEqualTo("still serving");
        assertThat(get("/fine/").body()).isEqualTo("fine");
    }

    @Test
    void dev_mode_keeps_the_detailed_error_page() {
        RawHttp response = RawHttp.get(devServer.port(), "localhost", "/bad/boom");
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.body()).contains("java.lang.IllegalStateException: secret detail of the servlet");
    }
}
