package dev.container.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.container.probe.Endpoint;
import dev.container.probe.H2Connection;
import dev.container.probe.Target;
import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import dev.container.tls.TestCerts;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.slf4j.LoggerFactory;

/**
 * A container for the hardening tests: a plain listener with h2c, an HTTPS one (a test
 * certificate for localhost), a static site (index.html and an 8 MiB big.bin) and a test app at
 * /app, with the given limits; its log captured. HTTP/2 goes through the probe's
 * {@link H2Connection}. Close it to stop the server (gracefully: the drain is part of what the
 * tests check).
 */
final class HardeningServer implements AutoCloseable {
    /** How the client reaches HTTP/2. */
    enum Transport { H2, H2C }

    static final int BIG = 8 * 1024 * 1024;

    private final TestServer server;
    private final SSLContext trust;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    private HardeningServer(TestServer server, SSLContext trust) {
        this.server = server;
        this.trust = trust;
        logs.start();
        root().addAppender(logs);
    }

    /** @param limits the body of the config's limits section, e.g. "write-timeout = 1s" */
    static HardeningServer start(Path dir, String limits) throws Exception {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<h1>hello</h1>\n");
        Files.write(site.resolve("big.bin"), new byte[BIG]);
        Path war = app(dir.resolve("app.war"));
        Path conf = Files.writeString(dir.resolve("container.conf"), "limits {\n" + limits + "\n}\n");
        var cert = TestCerts.write(dir, "localhost", "EC", "localhost", "127.0.0.1");
        TestServer server = TestServer.startWith(dir.resolve("state"), p -> p.configFile(conf).listen("127.0.0.1:0")
                .h2c(true).https("127.0.0.1:0").cert(cert.cert(), cert.key()).staticDir(site.toString(), false)
                .war(war + ":/app").shutdownTimeout(Duration.ofSeconds(10)));
        return new HardeningServer(server, TestCerts.trusting(cert.certificate()));
    }

    /** Servlets that answer with large bodies (blocking and non-blocking), pause, or echo a header. */
    private static Path app(Path file) throws IOException {
        return new WarBuilder().java("app.Servlets", """
                package app;

                import jakarta.servlet.AsyncContext;
                import jakarta.servlet.ServletOutputStream;
                import jakarta.servlet.WriteListener;
                import jakarta.servlet.annotation.WebServlet;
                import jakarta.servlet.http.HttpServlet;
                import jakarta.servlet.http.HttpServletRequest;
                import jakarta.servlet.http.HttpServletResponse;
                import java.io.IOException;
                import java.util.Collections;

                public class Servlets {
                    @WebServlet("/big")
                    public static class Big extends HttpServlet {
                        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                            int bytes = Integer.parseInt(req.getParameter("bytes"));
                            resp.setContentLength(bytes);
                            byte[] chunk = new byte[8192];
                            var out = resp.getOutputStream();
                            for (int sent = 0; sent < bytes; sent += chunk.length) {
                                out.write(chunk, 0, Math.min(chunk.length, bytes - sent));
                            }
                        }
                    }

                    @WebServlet(urlPatterns = "/async-big", asyncSupported = true)
                    public static class AsyncBig extends HttpServlet {
                        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                            int bytes = Integer.parseInt(req.getParameter("bytes"));
                            resp.setContentLength(bytes);
                            AsyncContext async = req.startAsync();
                            async.setTimeout(0);
                            ServletOutputStream out = resp.getOutputStream();
                            byte[] chunk = new byte[8192];
                            out.setWriteListener(new WriteListener() {
                                int sent;
                                public void onWritePossible() throws IOException {
                                    while (out.isReady()) {
                                        if (sent >= bytes) {
                                            async.complete();
                                            return;
                                        }
                                        int n = Math.min(chunk.length, bytes - sent);
                                        out.write(chunk, 0, n);
                                        sent += n;
                                    }
                                }
                                public void onError(Throwable t) {
                                    async.complete();
                                }
                            });
                        }
                    }

                    @WebServlet("/pause")
                    public static class Pause extends HttpServlet {
                        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                            var out = resp.getOutputStream();
                            out.print("before ");
                            out.flush();
                            try {
                                Thread.sleep(Long.parseLong(req.getParameter("ms")));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            out.print("after");
                        }
                    }

                    @WebServlet("/headers")
                    public static class Headers extends HttpServlet {
                        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                            resp.getWriter().print(Collections.list(req.getHeaders(req.getParameter("name"))).size());
                        }
                    }
                }
                """).buildWar(file);
    }

    /** The plain listener (h2c and HTTP/1.1) or the HTTPS one. */
    Endpoint endpoint(Transport transport) {
        String scheme = transport == Transport.H2 ? "https" : "http";
        URI url = server.container().urls().stream().filter(u -> u.getScheme().equals(scheme)).findFirst().orElseThrow();
        return new Endpoint("127.0.0.1", url.getPort(), transport == Transport.H2);
    }

    /** The plain listener's port, for HTTP/1.1. */
    int plainPort() {
        return endpoint(Transport.H2C).port();
    }

    Target target() {
        return new Target(Optional.empty(), Optional.empty(), Optional.empty(), trust, "localhost", "/index.html",
                "/index.html", Optional.empty(), Optional.empty(), "-", Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofSeconds(30));
    }

    H2Connection open(Transport transport) throws IOException {
        return H2Connection.open(target(), endpoint(transport));
    }

    H2Connection open(Transport transport, Http2Settings settings) throws IOException {
        return H2Connection.open(target(), endpoint(transport), settings);
    }

    Http2Headers get(Transport transport, String path) {
        return H2Connection.get(target(), endpoint(transport), path);
    }

    /**
     * Lines logged at WARN or above, or with a stack trace, so far. Undertow logs a parser failure
     * just after it closes the connection: a moment's wait lets such a line in.
     */
    List<String> loud() throws InterruptedException {
        Thread.sleep(300);
        return logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null)
                .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    }

    /** Every line logged so far. */
    List<String> lines() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Stops the server as SIGTERM does (drain, then stop); the log stays readable. */
    @Override
    public void close() {
        try {
            server.close();
        } finally {
            root().detachAppender(logs);
        }
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
