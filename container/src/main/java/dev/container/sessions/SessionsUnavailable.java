package dev.container.sessions;

/**
 * The session store (PostgreSQL) cannot be reached, so a distributable app's session can be
 * neither read nor written: the request answers 503 rather than going on with an empty session,
 * which would log the user out. Thrown out of the app's own {@code getSession()} calls too, and
 * turned into the same 503 ({@link #BODY}) by {@link SessionRequests}. The outage is logged
 * once by the store's health, never per request, so this carries no stack trace.
 */
public final class SessionsUnavailable extends RuntimeException {
    /** What the visitor reads, with status 503 and {@code Retry-After: 5}. */
    public static final String BODY = "503 Service Unavailable: the sessions of this application are kept in a database"
            + " that cannot be reached right now; please try again shortly\n";
    /** Seconds, for the Retry-After header. */
    public static final int RETRY_AFTER = 5;

    SessionsUnavailable(String message) {
        super(message, null, false, false);
    }
}
