package dev.container.sessions;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.session.Session;
import io.undertow.server.session.SessionConfig;
import io.undertow.server.session.SessionIdGenerator;
import io.undertow.server.session.SessionListener;
import io.undertow.server.session.SessionListeners;
import io.undertow.server.session.SessionManager;
import io.undertow.server.session.SessionManagerStatistics;
import io.undertow.servlet.spec.HttpSessionImpl;
import io.undertow.util.AttachmentKey;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSessionActivationListener;
import jakarta.servlet.http.HttpSessionEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undertow's session manager for one deployment of a distributable app, its sessions in the
 * shared table: a request's session is read when the request begins ({@link #preload}, by
 * {@link SessionRequests}) and written when it changed, before the response goes out
 * ({@link #save}); so a session made on one node is found on any other, and outlives the node.
 * Expired sessions are removed by the {@link SharedSessions} sweeper, which calls their
 * listeners through {@link #expire}. Stopping the manager (undeploy, shutdown) leaves the
 * sessions in the table, for the other nodes and the next deployment. Thread-safe.
 */
final class SharedSessionManager implements SessionManager {
    private static final Logger log = LoggerFactory.getLogger("container");

    /** The sessions one request has of this app: the one it made, and those it read (by id; null for one not found). */
    private static final class RequestSessions {
        StoredSession created;
        final Map<String, StoredSession> read = new HashMap<>();
        /** Reading failed with the store down: the request is answered 503, and nothing is tried again. */
        boolean unavailable;

        synchronized List<StoredSession> all() {
            List<StoredSession> all = new ArrayList<>();
            if (created != null) {
                all.add(created);
            }
            read.values().stream().filter(s -> s != null && s != created).forEach(all::add);
            return all;
        }
    }

    /** Not static: two apps' managers in one request (a cross-context include) keep their own. */
    private final AttachmentKey<RequestSessions> requestKey = AttachmentKey.create(RequestSessions.class);
    private final SharedSessions owner;
    private final String deploymentName;
    private final String app;
    private final ClassLoader classLoader;
    private final SessionIdGenerator ids;
    /** The app's, for the HttpSession of an activation event. */
    private final ServletContext servletContext;
    private final SessionListeners listeners = new SessionListeners();
    private volatile int defaultTimeout = 30 * 60;
    /** Attribute names already warned about, so each is said once. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * @param app the app as the table keys it and the log names it: its hosts and context path
     *            ({@code AppSpec.label()}), the same on every node and across redeploys
     */
    SharedSessionManager(SharedSessions owner, String deploymentName, String app, ClassLoader classLoader,
                         SessionIdGenerator ids, ServletContext servletContext) {
        this.owner = owner;
        this.deploymentName = deploymentName;
        this.app = app;
        this.classLoader = classLoader;
        this.ids = ids;
        this.servletContext = servletContext;
    }

    @Override
    public String getDeploymentName() {
        return deploymentName;
    }

    String app() {
        return app;
    }

    ClassLoader classLoader() {
        return classLoader;
    }

    SessionTable table() {
        return owner.table();
    }

    SessionListeners listeners() {
        return listeners;
    }

    String newId() {
        return ids.createSessionId();
    }

    @Override
    public void start() {
        owner.register(this);
    }

    /** Leaves the sessions where they are: other nodes, and the next deployment of the app, go on with them. */
    @Override
    public void stop() {
        owner.unregister(this);
    }

    /**
     * A new session. An id the request brings is used only when it comes from another app of
     * this request (a cross-context forward shares its session's id); one from the request's own
     * cookie names a session that is gone, and is never taken over (session fixation).
     */
    @Override
    public Session createSession(HttpServerExchange exchange, SessionConfig config) {
        table().health().requireUp();
        RequestSessions request = request(exchange);
        String given = config.findSessionId(exchange);
        String id = given != null && config.sessionCookieSource(exchange) == SessionConfig.SessionCookieSource.NONE
                ? given : ids.createSessionId();
        StoredSession session = StoredSession.created(this, config, id, defaultTimeout);
        config.setSessionId(exchange, id);
        synchronized (request) {
            request.created = session;
        }
        listeners.sessionCreated(session, exchange);
        return session;
    }

    @Override
    public Session getSession(HttpServerExchange exchange, SessionConfig config) {
        if (exchange == null) {
            return null;
        }
        RequestSessions request = request(exchange);
        synchronized (request) {
            if (request.created != null && !request.created.isInvalid()) {
                return request.created;
            }
        }
        String id = config.findSessionId(exchange);
        if (id == null) {
            return null;
        }
        StoredSession session;
        synchronized (request) {
            if (request.unavailable) {
                return null;
            }
            if (request.read.containsKey(id)) {
                session = request.read.get(id);
                return session == null || session.isInvalid() ? null : session;
            }
        }
        session = read(id, config).orElse(null);
        synchronized (request) {
            request.read.put(id, session);
        }
        return session;
    }

    /**
     * Reads the session the request names, if it names one, before the app runs; throws
     * {@link SessionsUnavailable} (and remembers it for the request) when the store is down.
     */
    void preload(HttpServerExchange exchange, SessionConfig config) {
        if (config.findSessionId(exchange) == null) {
            return;
        }
        try {
            getSession(exchange, config);
        } catch (SessionsUnavailable e) {
            RequestSessions request = request(exchange);
            synchronized (request) {
                request.unavailable = true;
            }
            throw e;
        }
    }

    /** A session by id, outside of any request's (nothing is saved of it). */
    @Override
    public Session getSession(String sessionId) {
        if (sessionId == null) {
            return null;
        }
        return read(sessionId, null).orElse(null);
    }

    private Optional<StoredSession> read(String id, SessionConfig config) {
        return table().load(app, id).map(row -> StoredSession.read(this, config, row));
    }

    /** Writes what the request changed; throws {@link SessionsUnavailable} when the store is down. */
    void save(HttpServerExchange exchange) {
        RequestSessions request = exchange.getAttachment(requestKey);
        if (request != null) {
            for (StoredSession session : request.all()) {
                session.save();
            }
        }
    }

    /** {@link #save}, for when the response cannot be changed any more: a failure is for the log only. */
    void saveQuietly(HttpServerExchange exchange) {
        try {
            save(exchange);
        } catch (SessionsUnavailable e) {
            // said once by the store's health; the next request of the session answers 503
        } catch (RuntimeException e) {
            log.error("sessions: app {}: {}", app, e.getMessage());
        }
    }

    void saveQuietly(StoredSession session) {
        try {
            session.save();
        } catch (SessionsUnavailable e) {
            // said once by the store's health
        } catch (RuntimeException e) {
            log.error("sessions: app {}: {}", app, e.getMessage());
        }
    }

    /** The session was invalidated by this request: later asks of it find none. */
    void forget(HttpServerExchange exchange, StoredSession session) {
        RequestSessions request = request(exchange);
        synchronized (request) {
            if (request.created == session) {
                request.created = null;
            }
        }
    }

    /** The sweeper removed these sessions from the table: their listeners are called here. */
    void expire(List<SessionTable.Row> rows) {
        for (SessionTable.Row row : rows) {
            try {
                StoredSession.read(this, null, row).expired();
            } catch (RuntimeException e) {
                log.warn("sessions: app {}: a listener of an expired session failed: {}", app, e.toString());
            }
        }
    }

    /** A session was written with this timeout: the sweeper wakes in time for it. */
    void saved(int maxInactive) {
        owner.expiresIn(maxInactive);
    }

    void gone(String id) {
        log.debug("sessions: app {}: session {} is gone from the table (expired, or invalidated on another node); its"
                + " changes are dropped", app, id);
    }

    /**
     * Tells an attribute that the session is about to be written ({@code passivate}) or was just
     * read ({@code !passivate}), as HttpSessionActivationListener asks; what it throws is logged,
     * the request goes on.
     */
    void activation(StoredSession session, HttpSessionActivationListener attribute, boolean passivate) {
        HttpSessionEvent event = new HttpSessionEvent(HttpSessionImpl.forSession(session, servletContext, false));
        try {
            if (passivate) {
                attribute.sessionWillPassivate(event);
            } else {
                attribute.sessionDidActivate(event);
            }
        } catch (RuntimeException e) {
            log.warn("sessions: app {}: {}.{} failed: {}", app, attribute.getClass().getName(),
                    passivate ? "sessionWillPassivate" : "sessionDidActivate", e.toString());
        }
    }

    void notSerializable(String name, Object value, Exception e) {
        if (warned.add(name)) {
            log.warn("sessions: app {}: attribute \"{}\" ({}) is not stored, it cannot be serialized ({}): the next"
                    + " request of the session will not have it; a distributable app's attributes must be Serializable",
                    app, name, value.getClass().getName(), e.toString());
        }
    }

    void notDeserializable(String name, Exception e) {
        if (warned.add(name)) {
            log.warn("sessions: app {}: attribute \"{}\" of a stored session cannot be read ({}); dropped", app, name,
                    e.toString());
        }
    }

    void unreadable(Exception e) {
        log.warn("sessions: app {}: the attributes of a stored session cannot be read ({}); it goes on without them",
                app, e.toString());
    }

    private RequestSessions request(HttpServerExchange exchange) {
        RequestSessions request = exchange.getAttachment(requestKey);
        if (request == null) {
            request = new RequestSessions();
            exchange.putAttachment(requestKey, request);
        }
        return request;
    }

    @Override
    public synchronized void registerSessionListener(SessionListener listener) {
        listeners.addSessionListener(listener);
    }

    @Override
    public synchronized void removeSessionListener(SessionListener listener) {
        listeners.removeSessionListener(listener);
    }

    @Override
    public void setDefaultSessionTimeout(int timeout) {
        defaultTimeout = timeout;
    }

    /** None: every session is in the table, and outlives this node. */
    @Override
    public Set<String> getTransientSessions() {
        return Set.of();
    }

    @Override
    public Set<String> getActiveSessions() {
        return getAllSessions();
    }

    /** The app's sessions in the table (none while it cannot be reached). */
    @Override
    public Set<String> getAllSessions() {
        try {
            return table().ids(app);
        } catch (SessionsUnavailable e) {
            return Set.of();
        }
    }

    @Override
    public SessionManagerStatistics getStatistics() {
        return null;
    }

    @Override
    public String toString() {
        return deploymentName;
    }
}
