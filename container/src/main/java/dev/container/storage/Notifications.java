package dev.container.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL's LISTEN for {@link PostgresStorage#subscribe}: one connection of its own, outside
 * the pool, opened at the first subscription, listening on {@link #CHANNEL}; each notification's
 * payload is a topic, whose subscribers run on this thread ("storage-listen"). A connection that
 * breaks (the database restarted, its session was ended) is made again every {@link #RETRY},
 * quietly (the heartbeat tells the log about the database), and every subscriber runs once after
 * each connection: a signal sent meanwhile was lost. Thread-safe.
 */
final class Notifications implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("container");
    /** The one channel of the container's signals; the payload is the topic. */
    static final String CHANNEL = "container_storage";
    private static final Duration RETRY = Duration.ofSeconds(2);
    /** How long one wait for notifications lasts; every tenth quiet wait checks the connection. */
    private static final int WAIT_MILLIS = 1_000;

    private final Callable<Connection> connect;
    private final Map<String, List<Runnable>> subscribers = new ConcurrentHashMap<>();
    private Thread thread;
    /** Whether the listening session is up (its first runs of the subscribers taken); guarded by this. */
    private boolean listening;
    private volatile boolean closed;

    /** Listens on connections made by connect, from the first {@link #subscribe}. */
    Notifications(Callable<Connection> connect) {
        this.connect = connect;
    }

    synchronized Storage.Subscription subscribe(String topic, Runnable changed) {
        List<Runnable> list = subscribers.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>());
        list.add(changed);
        if (thread == null && !closed) {
            thread = new Thread(this::listen, "storage-listen");
            thread.setDaemon(true);
            thread.start();
        } else if (listening) {
            // the listening thread ran the others when it connected: this one's first run, on a thread of its own
            Thread first = new Thread(() -> run(changed), "storage-listen-first");
            first.setDaemon(true);
            first.start();
        } // else the listening thread runs it once it is connected
        return () -> list.remove(changed);
    }

    private void listen() {
        while (!closed) {
            try (Connection c = connect.call()) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                List<Runnable> all = new java.util.ArrayList<>();
                synchronized (this) {
                    listening = true;
                    subscribers.values().forEach(all::addAll);
                }
                all.forEach(this::run);
                PGConnection pg = c.unwrap(PGConnection.class);
                int quiet = 0;
                while (!closed) {
                    PGNotification[] got = pg.getNotifications(WAIT_MILLIS);
                    if (got == null || got.length == 0) {
                        // a connection whose database vanished without a word shows only when used
                        if (++quiet % 10 == 0 && !c.isValid(2)) {
                            break;
                        }
                        continue;
                    }
                    Set<String> topics = new LinkedHashSet<>();
                    for (PGNotification n : got) {
                        if (CHANNEL.equals(n.getName())) {
                            topics.add(n.getParameter());
                        }
                    }
                    for (String topic : topics) {
                        subscribers.getOrDefault(topic, List.of()).forEach(this::run);
                    }
                }
            } catch (Exception e) {
                log.debug("storage: listening for signals failed ({}); listening again in {} s", Database.reason(e),
                        RETRY.toSeconds());
            }
            synchronized (this) {
                listening = false;
            }
            try {
                Thread.sleep(RETRY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void run(Runnable subscriber) {
        try {
            subscriber.run();
        } catch (RuntimeException e) {
            log.debug("storage: a subscriber failed: {}", e.toString());
        }
    }

    /** Sends topic to every listening node, on a connection of dataSource. */
    static void signal(javax.sql.DataSource dataSource, String topic) throws SQLException {
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            s.setString(1, CHANNEL);
            s.setString(2, topic);
            s.execute();
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(WAIT_MILLIS * 3L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
