package dev.container.deploy;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.MalformedMessageException;
import io.undertow.servlet.api.ExceptionHandler;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.channels.ReadTimeoutException;
import org.xnio.channels.WriteTimeoutException;

/**
 * What happens when an app's filter or servlet throws out of a request: one log line naming the
 * app, the request and the frame that threw (the stack trace at debug level; in dev mode in the
 * line's place), then Undertow's error page, which shows the stack trace in dev mode only. In
 * place of Undertow's default, which logs a full stack trace per failed request, so that a
 * failing app floods the log. The same failure (type, message and frame) again within a minute
 * of its line is counted, not logged, and the next line after that minute gives the count: an
 * app failing every request (its database down, its disk full) writes a line a minute. An I/O
 * error of the client's connection (it went away mid-body, or stopped reading the response for
 * limits.write-timeout) is the client's and is logged at debug level only. A request body that is the client's fault gets the client's status and the
 * connection closed, logged at debug level only (clients cause these at will): 408 for one sent too
 * slowly (limits.body-timeout), as nginx does; 400 for one the server's framing check refused
 * (a malformed chunked body: server/FramingConduit fails the read with Undertow's
 * MalformedMessageException); 413 for one over limits.max-request-body. Thread-safe.
 */
final class RequestFailures implements ExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger("container");

    private static final long REPEAT_WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int MAX_REMEMBERED = 1000;

    /** When a failure was last logged, and how many like it came since (guarded by the map's compute). */
    private static final class Window {
        final long since;
        long more;

        Window(long since) {
            this.since = since;
        }
    }

    private final String contextPath;
    private final boolean dev;
    private final long repeatWindowNanos;
    /** The failures logged in the last minute, by their description (type, message, frame). */
    private final Map<String, Window> recent = new ConcurrentHashMap<>();

    RequestFailures(String contextPath, boolean dev) {
        this(contextPath, dev, REPEAT_WINDOW_NANOS);
    }

    /** @param repeatWindowNanos how long repeats of a logged failure are counted, not logged */
    RequestFailures(String contextPath, boolean dev, long repeatWindowNanos) {
        this.contextPath = contextPath;
        this.dev = dev;
        this.repeatWindowNanos = repeatWindowNanos;
    }

    @Override
    public boolean handleThrowable(HttpServerExchange exchange, ServletRequest request, ServletResponse response,
                                   Throwable failure) {
        String what = exchange.getRequestMethod() + " " + exchange.getRequestURI();
        int status = clientStatus(failure);
        if (status != 0) {
            log.debug("app {}: {}: {}", contextPath, what, failure.getMessage());
            if (!response.isCommitted()) {
                response.reset();
                ((HttpServletResponse) response).setStatus(status);
                ((HttpServletResponse) response).setHeader("Connection", "close");
            }
            exchange.setPersistent(false); // the rest of the body cannot be read: no request after it
            return true;
        }
        if (clientIo(failure) || causedBy(failure, WriteTimeoutException.class)
                || causedBy(failure, IOException.class) && !exchange.getConnection().isOpen()) {
            log.debug("app {}: {} failed: {}", contextPath, what, WarDeployment.describe(failure));
        } else if (dev) {
            log.error("app {}: {} failed", contextPath, what, failure);
        } else {
            String description = WarDeployment.describe(failure);
            long repeats = repeatsBefore(description);
            if (repeats >= 0) {
                log.error("app {}: {} failed: {}{}", contextPath, what, description,
                        repeats > 0 ? " (" + repeats + " more like it since the last line, not logged)" : "");
            }
            log.debug("app {}: {} failure", contextPath, what, failure);
        }
        return false; // Undertow's error page: generic, or the app's own <error-page>
    }

    /** The status of a failed body read that is the client's fault (408, 400, 413), else 0. */
    static int clientStatus(Throwable failure) {
        if (causedBy(failure, ReadTimeoutException.class)) {
            return HttpServletResponse.SC_REQUEST_TIMEOUT;
        }
        if (causedBy(failure, MalformedMessageException.class)) {
            return HttpServletResponse.SC_BAD_REQUEST;
        }
        if (causedBy(failure, RequestTooBigException.class)) {
            return HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE;
        }
        return 0;
    }

    /**
     * -1 when a failure described so was logged less than a minute ago (this one is counted);
     * else how many were counted in the minute after the last one logged (0 for a new failure).
     */
    private long repeatsBefore(String description) {
        long now = System.nanoTime();
        long[] repeats = {-1};
        if (recent.size() > MAX_REMEMBERED) {
            recent.clear(); // a flood of distinct failures: forget rather than grow
        }
        recent.compute(description, (key, seen) -> {
            if (seen != null && now - seen.since < repeatWindowNanos) {
                seen.more++;
                return seen;
            }
            repeats[0] = seen == null ? 0 : seen.more;
            return new Window(now);
        });
        return repeats[0];
    }

    /**
     * Whether failure is an I/O error of the client's connection: an IOException first thrown by
     * the container's own connection code (the request or response stream, a conduit, XNIO's
     * socket), as when the client went away mid-body ("UT000128: Remote peer closed connection").
     * An IOException from anything else (a full disk under a multipart upload, the app's own
     * files and sockets) is a failure of the server or the app.
     */
    static boolean clientIo(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException) {
                for (StackTraceElement frame : t.getStackTrace()) {
                    String type = frame.getClassName();
                    if (type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.")) {
                        continue; // the socket's own frames: look at who used it
                    }
                    return type.startsWith("org.xnio.") || type.startsWith("io.undertow.conduits.")
                            || type.startsWith("io.undertow.server.protocol.")
                            || type.startsWith("io.undertow.servlet.spec.ServletInputStreamImpl")
                            || type.startsWith("io.undertow.servlet.spec.ServletOutputStreamImpl")
                            || type.startsWith("io.undertow.server.HttpServerExchange");
                }
            }
        }
        return false;
    }

    /** Whether failure is, or is caused by, a type (servlets wrap an IOException in a ServletException). */
    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
