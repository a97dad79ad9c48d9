package dev.container.deploy;

import io.undertow.server.HttpServerExchange;
import io.undertow.servlet.api.ExceptionHandler;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.channels.ReadTimeoutException;

/**
 * What happens when an app's filter or servlet throws out of a request: one log line naming the
 * app, the request and the frame that threw (the stack trace at debug level; in dev mode in the
 * line's place), then Undertow's error page, which shows the stack trace in dev mode only. In
 * place of Undertow's default, which logs a full stack trace per failed request, so that a
 * failing app floods the log. An I/O error on a connection that is closed is the client's (it
 * went away) and is logged at debug level only; a request body the client sent too slowly (limits.body-timeout) gets 408 and the
 * connection closed, as nginx does. Stateless; thread-safe.
 */
final class RequestFailures implements ExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger("container");

    private final String contextPath;
    private final boolean dev;

    RequestFailures(String contextPath, boolean dev) {
        this.contextPath = contextPath;
        this.dev = dev;
    }

    @Override
    public boolean handleThrowable(HttpServerExchange exchange, ServletRequest request, ServletResponse response,
                                   Throwable failure) {
        String what = exchange.getRequestMethod() + " " + exchange.getRequestURI();
        if (causedBy(failure, ReadTimeoutException.class)) {
            log.debug("app {}: {}: {}", contextPath, what, failure.getMessage());
            if (!response.isCommitted()) {
                response.reset();
                ((HttpServletResponse) response).setStatus(HttpServletResponse.SC_REQUEST_TIMEOUT);
                ((HttpServletResponse) response).setHeader("Connection", "close");
            }
            exchange.setPersistent(false);
            return true;
        }
        if (causedBy(failure, IOException.class) && !exchange.getConnection().isOpen()) {
            log.debug("app {}: {} failed: {}", contextPath, what, WarDeployment.describe(failure));
        } else if (dev) {
            log.error("app {}: {} failed", contextPath, what, failure);
        } else {
            log.error("app {}: {} failed: {}", contextPath, what, WarDeployment.describe(failure));
            log.debug("app {}: {} failure", contextPath, what, failure);
        }
        return false; // Undertow's error page: generic, or the app's own <error-page>
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
