package dev.container.storage;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.security.SecureRandom;

/**
 * A container process of a cluster, as its heartbeat row shows it.
 *
 * @param id the node's name: {@code storage.node} when set (a restarted node is the same row, and
 *           takes back its own unfinished job firings at once), else new at each start of the process
 *           (12 hex digits), so that several nodes on one machine need no setting
 * @param host the machine's host name
 * @param lastSeen its last heartbeat (the database's clock); empty for this process before its first
 */
public record Node(String id, String host, long pid, String version, Instant started, Optional<Instant> lastSeen) {
    /** This process, started at started, with a random name. */
    public static Node self(String version, Instant started) {
        return self(version, started, Optional.empty());
    }

    /** This process, started at started, named name (else a random name). */
    public static Node self(String version, Instant started, Optional<String> name) {
        return new Node(name.orElseGet(Node::randomName), hostName(), ProcessHandle.current().pid(), version, started,
                Optional.empty());
    }

    private static String randomName() {
        byte[] id = new byte[6];
        new SecureRandom().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /** The name the machine gives itself (HOSTNAME, else the resolver's), "localhost" when it has none. */
    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** How this node's sessions are named in the database (pg_stat_activity.application_name). */
    public String applicationName() {
        return "container " + id;
    }
}
