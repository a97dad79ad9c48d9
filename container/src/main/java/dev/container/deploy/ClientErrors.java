package dev.container.deploy;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.servlet.api.ExceptionHandler;
import io.undertow.util.MalformedMessageException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * An app that lets the failure of reading a request body escape answers for the client's fault,
 * not its own: 400 for a malformed body (the server's framing check refused it), 413 for one over
 * {@code max-request-body}; neither is logged above debug (clients cause them at will). Every
 * other throwable goes to the handler this one wraps. Thread-safe.
 */
final class ClientErrors implements ExceptionHandler {
    private final ExceptionHandler next;

    ClientErrors(ExceptionHandler next) {
        this.next = next;
    }

    @Override
    public boolean handleThrowable(HttpServerExchange exchange, ServletRequest request, ServletResponse response, Throwable t) {
        int status = status(t);
        if (status == 0) {
            return next.handleThrowable(exchange, request, response, t);
        }
        if (!response.isCommitted() && response instanceof HttpServletResponse http) {
            try {
                http.sendError(status);
            } catch (IOException | IllegalStateException e) {
                // the client is gone or the answer started: the connection closes either way
            }
        }
        exchange.setPersistent(false); // the rest of the body cannot be read: no next request after it
        return true;
    }

    /** 400 or 413 for a body the client got wrong (the cause chain is searched), else 0. */
    static int status(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MalformedMessageException) {
                return 400;
            }
            if (c instanceof RequestTooBigException) {
                return 413;
            }
        }
        return 0;
    }
}
