package dev.container.sessions;

import io.undertow.UndertowMessages;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.session.Session;
import io.undertow.server.session.SessionConfig;
import io.undertow.server.session.SessionListener;
import io.undertow.server.session.SessionManager;
import jakarta.servlet.http.HttpSessionActivationListener;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A session of a distributable app as one request (or the sweeper) has it: read from the table
 * when the request began, or created by it, and written back by {@link #save} when it changed.
 * Each request has its own copy, so two requests of one session (on one node or two) do not see
 * each other's changes, and the last to write wins. An attribute read from the table stays
 * serialized until the app asks for it. An attribute that is an HttpSessionActivationListener is
 * told sessionDidActivate when it is deserialized here (the session came from the table, perhaps
 * from another node), and sessionWillPassivate before each write of the session. Mutators are
 * synchronized (an async request may use the session from several threads); listeners are called
 * outside the lock, as Undertow's own in-memory sessions call them.
 */
final class StoredSession implements Session {
    /** An attribute: the bytes it was read as (null when the app set it), and its value once deserialized. */
    private static final class Attribute {
        final byte[] stored;
        Object value;
        boolean decoded;

        private Attribute(byte[] stored, Object value, boolean decoded) {
            this.stored = stored;
            this.value = value;
            this.decoded = decoded;
        }

        static Attribute read(byte[] stored) {
            return new Attribute(stored, null, false);
        }

        static Attribute set(Object value) {
            return new Attribute(null, value, true);
        }
    }

    private final SharedSessionManager manager;
    /**
     * The config the session was found or made through: its cookie is cleared when it is
     * invalidated. Null for one read outside of a request (by id, or by the sweeper).
     */
    private final SessionConfig config;
    private final long created;
    private final long lastAccessed;
    private volatile String id;
    private int maxInactive;
    private final Map<String, Attribute> attributes = new LinkedHashMap<>();
    /** Whether a row of it exists (false for a session made by this request until it is first saved). */
    private boolean stored;
    /** Whether it changed since it was read or last saved. */
    private boolean dirty;
    /** invalidate() or the sweeper began: it is never written again. */
    private boolean ending;
    private volatile boolean invalid;
    /** Attributes just read that listen for activation: told by {@link #activatePending}, outside the lock. */
    private final List<HttpSessionActivationListener> activating = new ArrayList<>();

    private StoredSession(SharedSessionManager manager, SessionConfig config, String id, long created,
                          long lastAccessed, int maxInactive, boolean stored) {
        this.manager = manager;
        this.config = config;
        this.id = id;
        this.created = created;
        this.lastAccessed = lastAccessed;
        this.maxInactive = maxInactive;
        this.stored = stored;
        this.dirty = !stored;
    }

    /** A new session, not stored until the request that made it ends (or commits its response). */
    static StoredSession created(SharedSessionManager manager, SessionConfig config, String id, int maxInactive) {
        long now = System.currentTimeMillis();
        return new StoredSession(manager, config, id, now, now, maxInactive, false);
    }

    /** A session as the table has it; its attributes are deserialized when asked for. */
    static StoredSession read(SharedSessionManager manager, SessionConfig config, SessionTable.Row row) {
        StoredSession session = new StoredSession(manager, config, row.id(), row.created().toEpochMilli(),
                row.lastAccess().toEpochMilli(), row.maxInactive(), true);
        try {
            SessionAttributes.split(row.attributes())
                    .forEach((name, bytes) -> session.attributes.put(name, Attribute.read(bytes)));
        } catch (IOException e) {
            manager.unreadable(e);
        }
        return session;
    }

    @Override
    public String getId() {
        return id;
    }

    /** The end of the request (after its response): what it changed late is saved; a failure is the log's. */
    @Override
    public void requestDone(HttpServerExchange exchange) {
        manager.saveQuietly(this);
    }

    @Override
    public long getCreationTime() {
        requireValid();
        return created;
    }

    @Override
    public long getLastAccessedTime() {
        requireValid();
        return lastAccessed;
    }

    @Override
    public synchronized void setMaxInactiveInterval(int interval) {
        requireValid();
        if (interval != maxInactive) {
            maxInactive = interval;
            dirty = true;
        }
    }

    @Override
    public synchronized int getMaxInactiveInterval() {
        requireValid();
        return maxInactive;
    }

    @Override
    public Object getAttribute(String name) {
        requireValid();
        Object value;
        synchronized (this) {
            value = value(name);
        }
        activatePending();
        return value;
    }

    @Override
    public Set<String> getAttributeNames() {
        requireValid();
        synchronized (this) {
            return new HashSet<>(attributes.keySet());
        }
    }

    @Override
    public Object setAttribute(String name, Object value) {
        if (value == null) {
            return removeAttribute(name);
        }
        requireValid();
        Object old;
        synchronized (this) {
            old = value(name);
            attributes.put(name, Attribute.set(value));
            dirty = true;
        }
        activatePending();
        if (old == null) {
            manager.listeners().attributeAdded(this, name, value);
        } else {
            manager.listeners().attributeUpdated(this, name, value, old);
        }
        return old;
    }

    @Override
    public Object removeAttribute(String name) {
        requireValid();
        Object old;
        synchronized (this) {
            old = value(name);
            if (attributes.remove(name) != null) {
                dirty = true;
            }
        }
        activatePending();
        manager.listeners().attributeRemoved(this, name, old);
        return old;
    }

    /**
     * Removes the session from the table, then calls the listeners (which may still read its
     * attributes) and clears the cookie. While the store is down, it throws
     * {@link SessionsUnavailable}, and the session stays valid: a logout must not look done when
     * another node would still find the session.
     */
    @Override
    public void invalidate(HttpServerExchange exchange) {
        boolean remove;
        synchronized (this) {
            if (ending) {
                throw UndertowMessages.MESSAGES.sessionAlreadyInvalidated();
            }
            ending = true;
            remove = stored;
        }
        if (remove) {
            try {
                manager.table().delete(manager.app(), id);
            } catch (RuntimeException e) {
                synchronized (this) {
                    ending = false;
                }
                throw e;
            }
        }
        manager.listeners().sessionDestroyed(this, exchange, SessionListener.SessionDestroyedReason.INVALIDATED);
        invalid = true;
        if (exchange != null && config != null) {
            config.clearSession(exchange, id);
            manager.forget(exchange, this);
        }
    }

    /** The sweeper removed it from the table: its listeners hear of it, and it is never written. */
    void expired() {
        synchronized (this) {
            ending = true;
        }
        manager.listeners().sessionDestroyed(this, null, SessionListener.SessionDestroyedReason.TIMEOUT);
        invalid = true;
    }

    @Override
    public SessionManager getSessionManager() {
        return manager;
    }

    /** A new id (session fixation: a login changes it), in the table at once when the session is there. */
    @Override
    public String changeSessionId(HttpServerExchange exchange, SessionConfig config) {
        String oldId;
        String newId;
        synchronized (this) {
            if (ending) {
                return null;
            }
            oldId = id;
            newId = manager.newId();
            if (stored && !manager.table().changeId(manager.app(), oldId, newId)) {
                // gone from the table meanwhile (expired): written anew under the new id
                stored = false;
                dirty = true;
            }
            id = newId;
        }
        config.setSessionId(exchange, newId);
        manager.listeners().sessionIdChanged(this, oldId);
        return newId;
    }

    /**
     * Writes the session when it is new or changed: every attribute serialized anew, but those
     * the app never read, which are written as they were read. An attribute that cannot be
     * serialized is left out (the manager warns once per name); the request goes on. Throws
     * {@link SessionsUnavailable} when the store cannot be reached.
     */
    void save() {
        List<HttpSessionActivationListener> passivating = new ArrayList<>();
        synchronized (this) {
            if (ending || stored && !dirty) {
                return;
            }
            attributes.values().stream().filter(a -> a.decoded && a.value instanceof HttpSessionActivationListener)
                    .forEach(a -> passivating.add((HttpSessionActivationListener) a.value));
        }
        passivating.forEach(a -> manager.activation(this, a, true));
        write();
    }

    private synchronized void write() {
        if (ending || stored && !dirty) {
            return;
        }
        Map<String, byte[]> serialized = new LinkedHashMap<>();
        attributes.forEach((name, attribute) -> {
            if (!attribute.decoded) {
                serialized.put(name, attribute.stored);
                return;
            }
            try {
                serialized.put(name, SessionAttributes.serialize(attribute.value));
            } catch (IOException | RuntimeException e) {
                manager.notSerializable(name, attribute.value, e);
            }
        });
        byte[] row = SessionAttributes.join(serialized);
        if (stored) {
            if (!manager.table().update(manager.app(), id, maxInactive, row)) {
                // expired, or invalidated on another node, since this request read it: that wins
                ending = true;
                manager.gone(id);
                return;
            }
        } else if (!manager.table().insert(manager.app(), id, Instant.ofEpochMilli(created), maxInactive, row)) {
            throw new IllegalStateException("sessions: app " + manager.app() + ": a session with the new id exists already");
        }
        stored = true;
        dirty = false;
        manager.saved(maxInactive);
    }

    boolean isInvalid() {
        return invalid;
    }

    /**
     * The attribute's value, deserialized at the first ask; null (and one warning) when its class
     * is gone. The caller holds the lock.
     */
    private Object value(String name) {
        Attribute attribute = attributes.get(name);
        if (attribute == null) {
            return null;
        }
        if (!attribute.decoded) {
            try {
                attribute.value = SessionAttributes.deserialize(attribute.stored, manager.classLoader());
                attribute.decoded = true;
                if (attribute.value instanceof HttpSessionActivationListener listener) {
                    activating.add(listener);
                }
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                manager.notDeserializable(name, e);
                attributes.remove(name);
                return null;
            }
        }
        return attribute.value;
    }

    /** Tells the attributes read since the last call that the session was activated (read from the table). */
    private void activatePending() {
        List<HttpSessionActivationListener> due;
        synchronized (this) {
            if (activating.isEmpty()) {
                return;
            }
            due = List.copyOf(activating);
            activating.clear();
        }
        due.forEach(a -> manager.activation(this, a, false));
    }

    private void requireValid() {
        if (invalid) {
            throw UndertowMessages.MESSAGES.sessionIsInvalid(id);
        }
    }
}
