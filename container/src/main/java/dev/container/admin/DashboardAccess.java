package dev.container.admin;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who may use the dashboard, as Jupyter does it: a login link ({@code /?login=SECRET}) is valid
 * once and for {@link #LINK_LIFETIME}; opening it starts a session whose secret the browser keeps
 * in an HttpOnly, SameSite=Strict cookie named after the admin channel's port (a browser sends a
 * cookie of 127.0.0.1 to every port there, so two servers' cookies must not replace each other).
 * A session ends after {@link #SESSION_IDLE} without a request (the page asks every few seconds
 * while it is open). Only hashes of the secrets are kept, so a lookup's time says nothing of a
 * secret; links and sessions are bounded in number (the oldest go first).
 *
 * <p>A request that changes something and comes with the cookie must also come from the admin
 * channel's own origin ({@link #sameOrigin}): SameSite=Strict keeps the cookie from other sites'
 * requests, and the origin check keeps it from other origins of the same site (another port of
 * 127.0.0.1). Thread-safe.
 */
final class DashboardAccess {
    static final Duration LINK_LIFETIME = Duration.ofMinutes(10);
    static final Duration SESSION_IDLE = Duration.ofHours(12);
    private static final int MAX_LINKS = 32;
    private static final int MAX_SESSIONS = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final URI base;
    private final String origin;
    private final String cookieName;
    private final Clock clock;
    /** Hash of a login link's secret -> when it expires; in the order they were made. */
    private final Map<String, Instant> links = new LinkedHashMap<>();
    /** Hash of a session's secret -> when it was last used; least recently used first. */
    private final Map<String, Instant> sessions = new LinkedHashMap<>(16, 0.75f, true);

    /** base: the admin channel's URL ({@code http://127.0.0.1:PORT/}). */
    DashboardAccess(URI base, Clock clock) {
        this.base = base;
        this.origin = base.getScheme() + "://" + base.getRawAuthority();
        this.cookieName = "container-admin-" + base.getPort();
        this.clock = clock;
    }

    /** A new login link, valid once within {@link #LINK_LIFETIME}. */
    synchronized URI newLink() {
        String secret = secret();
        links.put(hash(secret), clock.instant().plus(LINK_LIFETIME));
        trim(links, MAX_LINKS);
        return base.resolve("/?login=" + secret);
    }

    /**
     * Spends a login link's secret: the new session's secret when the link was valid (it is not
     * any more), else empty.
     */
    synchronized Optional<String> redeem(String linkSecret) {
        Instant expires = links.remove(hash(linkSecret));
        if (expires == null || !clock.instant().isBefore(expires)) {
            return Optional.empty();
        }
        String session = secret();
        sessions.put(hash(session), clock.instant());
        trim(sessions, MAX_SESSIONS);
        return Optional.of(session);
    }

    /** Whether the request's Cookie headers hold a live session's secret; a hit counts as use. */
    synchronized boolean hasSession(List<String> cookieHeaders) {
        Optional<String> secret = cookie(cookieHeaders);
        if (secret.isEmpty()) {
            return false;
        }
        String key = hash(secret.get());
        Instant lastUsed = sessions.get(key);
        Instant now = clock.instant();
        if (lastUsed == null) {
            return false;
        }
        if (!now.isBefore(lastUsed.plus(SESSION_IDLE))) {
            sessions.remove(key);
            return false;
        }
        sessions.put(key, now);
        return true;
    }

    /** The Set-Cookie value that starts a session in the browser. */
    String sessionCookie(String sessionSecret) {
        return cookieName + "=" + sessionSecret + "; Path=/; HttpOnly; SameSite=Strict";
    }

    /**
     * Whether a request comes from the admin channel's own origin: its Origin header is that
     * origin, or (for a browser that sends none) its Sec-Fetch-Site is same-origin. A request
     * with neither is refused: every browser that supports SameSite sends one of them.
     */
    boolean sameOrigin(Optional<String> originHeader, Optional<String> fetchSite) {
        if (originHeader.isPresent()) {
            return originHeader.get().equals(origin);
        }
        return fetchSite.filter("same-origin"::equals).isPresent();
    }

    String origin() {
        return origin;
    }

    private Optional<String> cookie(List<String> headers) {
        for (String header : headers) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(cookieName)) {
                    return Optional.of(pair.substring(eq + 1).trim());
                }
            }
        }
        return Optional.empty();
    }

    private static void trim(Map<String, Instant> map, int max) {
        Iterator<String> oldest = map.keySet().iterator();
        while (map.size() > max) {
            oldest.next();
            oldest.remove();
        }
    }

    private static String secret() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
