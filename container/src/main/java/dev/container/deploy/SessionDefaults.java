package dev.container.deploy;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.server.session.SessionConfig;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.ServletSessionConfig;
import jakarta.servlet.SessionTrackingMode;
import java.util.EnumSet;

/**
 * Tomcat's session cookie defaults, on Undertow's in-memory sessions: the cookie is
 * {@code JSESSIONID} (or the app's cookie-config name) at the context path, {@code HttpOnly},
 * {@code SameSite=Lax}, and {@code Secure} when the request came over TLS; sessions are tracked by
 * cookie only, so {@code encodeURL} never puts {@code ;jsessionid=} in a URL unless the app asks
 * for URL tracking (web.xml tracking-mode, or {@code ServletContext.setSessionTrackingModes}).
 *
 * <p>Applied before web.xml, so anything web.xml's session-config states wins; an app's
 * initializer can still change all of it through {@code ServletContext.getSessionCookieConfig()}.
 */
final class SessionDefaults {
    static final String SAME_SITE = "SameSite";

    private SessionDefaults() {
    }

    static void apply(DeploymentInfo info) {
        ServletSessionConfig config = info.getServletSessionConfig() != null
                ? info.getServletSessionConfig()
                : new ServletSessionConfig();
        config.setHttpOnly(true);
        if (config.getAttribute(SAME_SITE) == null) {
            config.setAttribute(SAME_SITE, "Lax");
        }
        config.setSessionTrackingModes(EnumSet.of(SessionTrackingMode.COOKIE));
        info.setServletSessionConfig(config);
        info.setSessionConfigWrapper((sessionConfig, deployment) -> new SecureOverTls(sessionConfig));
    }

    /**
     * Marks the session cookie {@code Secure} on requests that came over TLS, as Tomcat does: one
     * app may be served over http and https alike, so this cannot be fixed in the config.
     */
    static final class SecureOverTls implements SessionConfig {
        private final SessionConfig delegate;

        SecureOverTls(SessionConfig delegate) {
            this.delegate = delegate;
        }

        @Override
        public void setSessionId(HttpServerExchange exchange, String sessionId) {
            delegate.setSessionId(exchange, sessionId);
            if (exchange.isSecure()) {
                for (Cookie cookie : exchange.responseCookies()) {
                    if (sessionId.equals(cookie.getValue())) {
                        cookie.setSecure(true);
                    }
                }
            }
        }

        @Override
        public void clearSession(HttpServerExchange exchange, String sessionId) {
            delegate.clearSession(exchange, sessionId);
        }

        @Override
        public String findSessionId(HttpServerExchange exchange) {
            return delegate.findSessionId(exchange);
        }

        @Override
        public SessionCookieSource sessionCookieSource(HttpServerExchange exchange) {
            return delegate.sessionCookieSource(exchange);
        }

        @Override
        public String rewriteUrl(String originalUrl, String sessionId) {
            return delegate.rewriteUrl(originalUrl, sessionId);
        }
    }
}
