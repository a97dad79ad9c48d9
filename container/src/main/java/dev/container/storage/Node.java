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
 * @param id new at each start of the process (12 hex digits), so a restarted node is a new row
 * @param host the machine's host name
 * @param lastSeen its last heartbeat (the database's clock); empty for this process before its first
 */
public record Node(String id, String host, long pid, String version, Instant started, Optional<Instant> lastSeen) {
    /** This process, started at started. */
    public static Node self(String version, Instant started) {
        byte[] id = new byte[6];
        new SecureRandom().nextBytes(id);
        return new Node(HexFormat.of().formatHex(id), hostName(), ProcessHandle.current().pid(), version, started,
                Optional.empty());
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
