package dev.container.config;

import com.typesafe.config.ConfigValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The paths apps and static mounts are served at, by host: a path is served by one thing per
 * host. One per file read; not thread-safe.
 */
final class PathClaims {
    private final Reading reading;
    private final List<HostSpec> hosts;
    /** "HOST PATH" to what claimed it and where, for the message when it is claimed again. */
    private final Map<String, String> claims = new HashMap<>();

    PathClaims(Reading reading, List<HostSpec> hosts) {
        this.reading = reading;
        this.hosts = hosts;
    }

    /** Claims path on each host the thing is served on; false (and a problem) when one has it already. */
    boolean claim(List<String> hostIds, String path, At at, ConfigValue value, String what) {
        List<String> on = hostIds.isEmpty()
                ? List.of(hosts.stream().filter(HostSpec::isDefault).findFirst().orElse(HostSpec.DEFAULT).id())
                : hostIds;
        boolean ok = true;
        for (String host : on) {
            String previous = claims.putIfAbsent(host + " " + path, what + " " + at.key() + " (" + reading.origin(at, value) + ")");
            if (previous != null) {
                String where = hosts.size() == 1 ? "" : " on host " + host;
                reading.problem(at, value, "path " + path + where + " is already served by " + previous);
                ok = false;
            }
        }
        return ok;
    }
}
