package dev.container.sessions;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.servlet.handlers.ServletRequestContext;
import io.undertow.servlet.spec.HttpServletResponseImpl;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The session's part of a distributable app's request, first in its handler chain (Undertow's
 * "outer" chain: the servlet request exists, security has not run, forwards and includes do
 * not pass): the session the cookie
 * names is read before anything else runs; what the request changed is written when the app is
 * done, before the response is sent (closing the response sends it, and the client's next
 * request, maybe to another node, must find the write), or just before the response is
 * committed when the app flushes it early. A request whose session cannot be read or written
 * because the store is down answers 503 ({@link SessionsUnavailable#BODY}) instead of going on
 * without it. Stateless; thread-safe.
 */
final class SessionRequests implements HttpHandler {
    private final HttpHandler next;

    SessionRequests(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        ServletRequestContext context = exchange.getAttachment(ServletRequestContext.ATTACHMENT_KEY);
        if (context == null || !(context.getDeployment().getSessionManager() instanceof SharedSessionManager manager)) {
            next.handleRequest(exchange);
            return;
        }
        try {
            manager.preload(exchange, context.getCurrentServletContext().getSessionConfig());
        } catch (SessionsUnavailable e) {
            unavailable(exchange, context.getOriginalResponse());
            return;
        }
        exchange.addResponseCommitListener(manager::saveQuietly);
        try {
            next.handleRequest(exchange);
        } catch (Exception | Error e) {
            if (causedBy(e, SessionsUnavailable.class)) {
                // the app asked for a session (a new one, or one no request had read yet) while the store is down
                unavailable(exchange, context.getOriginalResponse());
                return;
            }
            // the app failed; its error page follows, and what it changed is kept, as in memory
            manager.saveQuietly(exchange);
            throw e;
        }
        if (context.getOriginalRequest().isAsyncStarted()) {
            return; // written when it commits its response, or ends (Session.requestDone)
        }
        try {
            manager.save(exchange);
        } catch (SessionsUnavailable e) {
            unavailable(exchange, context.getOriginalResponse());
        }
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Answers 503 unless the app's response is on its way already (then the write is lost, and
     * the next request of the session answers 503 while the store is down). The 503 sets no
     * cookie: a session made by this request was not stored.
     */
    @SuppressWarnings("deprecation") // the one way to drop the cookies set so far
    static void unavailable(HttpServerExchange exchange, HttpServletResponseImpl response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.reset();
        exchange.getResponseCookies().clear();
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", String.valueOf(SessionsUnavailable.RETRY_AFTER));
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(SessionsUnavailable.BODY);
    }
}
