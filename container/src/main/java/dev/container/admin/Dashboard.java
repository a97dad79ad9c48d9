package dev.container.admin;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard page at the admin channel's {@code /}: one HTML file with its script and style
 * inline ({@code dashboard.html} beside this class), which reads the control API every few
 * seconds. {@code /?login=SECRET} spends a login link ({@link DashboardAccess}), sets the session
 * cookie and redirects to {@code /}; {@code /} itself needs that session. The page is sent with a
 * Content-Security-Policy that allows only its own inline script and style (by their hashes) and
 * requests to this origin. Thread-safe.
 */
final class Dashboard {
    private static final Pattern SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);
    private static final Pattern STYLE = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL);
    private static final Pattern LOGIN = Pattern.compile("(?:^|&)login=([0-9a-f]{1,128})(?:&|$)");

    private final DashboardAccess access;
    private final byte[] page;
    private final String policy;

    Dashboard(URI base, Clock clock) {
        this.access = new DashboardAccess(base, clock);
        String html = resource("dashboard.html");
        this.page = html.getBytes(StandardCharsets.UTF_8);
        this.policy = "default-src 'none'; script-src " + hashOf(SCRIPT, html) + "; style-src " + hashOf(STYLE, html)
                + "; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    /** A new one-time login link. */
    URI newLink() {
        return access.newLink();
    }

    /** Whether the request carries a live session cookie. */
    boolean hasSession(HttpExchange exchange) {
        List<String> cookies = exchange.getRequestHeaders().get("Cookie");
        return cookies != null && access.hasSession(cookies);
    }

    /** Whether a request that came with the session cookie comes from the admin channel's own origin. */
    boolean sameOrigin(HttpExchange exchange) {
        return access.sameOrigin(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Origin")),
                Optional.ofNullable(exchange.getRequestHeaders().getFirst("Sec-Fetch-Site")));
    }

    /** Answers {@code GET /}: the login, the page, or a short page saying how to get in. */
    void serve(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            html(exchange, 405, "Method not allowed", "The dashboard page is read with GET.");
            return;
        }
        String query = exchange.getRequestURI().getRawQuery();
        Matcher login = LOGIN.matcher(query == null ? "" : query);
        if (login.find()) {
            Optional<String> session = access.redeem(login.group(1));
            if (session.isEmpty()) {
                html(exchange, 401, "This login link is spent",
                        "A login link works once and for " + DashboardAccess.LINK_LIFETIME.toMinutes()
                                + " minutes. Get a new one with: container dashboard --state DIR (or --config FILE).");
                return;
            }
            exchange.getResponseHeaders().set("Set-Cookie", access.sessionCookie(session.get()));
            exchange.getResponseHeaders().set("Location", "/");
            common(exchange);
            exchange.sendResponseHeaders(303, -1);
            return;
        }
        if (!hasSession(exchange)) {
            html(exchange, 401, "Log in with a login link",
                    "Open the dashboard link that the server log printed at the start (\"dashboard: http://...\"), "
                            + "or get a new one with: container dashboard --state DIR (or --config FILE).");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Content-Security-Policy", policy);
        common(exchange);
        if (method.equals("HEAD")) {
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, page.length);
        exchange.getResponseBody().write(page);
    }

    /** A page of text only (no script): what went wrong and what to do. */
    private static void html(HttpExchange exchange, int status, String title, String text) throws IOException {
        // fixed texts only: nothing of the request is written back
        byte[] body = ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>container: " + title + "</title></head>\n<body><h1>" + title + "</h1>\n<p>" + text
                + "</p></body></html>\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        common(exchange);
        exchange.sendResponseHeaders(status, exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
        if (!exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseBody().write(body);
        }
    }

    private static void common(HttpExchange exchange) {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        // the login link is in the address until the redirect: no page may see it in a Referer
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
    }

    private static String hashOf(Pattern element, String html) {
        Matcher m = element.matcher(html);
        if (!m.find()) {
            throw new IllegalStateException("dashboard.html has no " + element.pattern());
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(m.group(1).getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
