package dev.container.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A directory of static files served under {@code prefix} ("/" or "/name", no trailing slash) on
 * the given hosts (by {@link HostSpec#id()}; none means the default host). {@code listing} allows
 * directory listings where a directory has no index file; {@code maxAge}, when present, sends
 * {@code Cache-Control: max-age=N} with the files it serves; {@code compression} allows gzip on
 * the fly and precompressed .br/.gz siblings (off: every file is sent as it is).
 */
public record StaticSpec(Path root, String prefix, boolean listing, List<String> hosts, Optional<Duration> maxAge,
                         boolean compression) {
    public StaticSpec {
        ContextPaths.requireValid(prefix);
        hosts = List.copyOf(hosts);
        if (maxAge.isPresent() && maxAge.get().isNegative()) {
            throw new IllegalArgumentException("max-age must not be negative");
        }
    }

    /** A mount with compression on. */
    public StaticSpec(Path root, String prefix, boolean listing, List<String> hosts, Optional<Duration> maxAge) {
        this(root, prefix, listing, hosts, maxAge, true);
    }

    /** A mount on the default host without cache headers, as a command-line --static gives. */
    public StaticSpec(Path root, String prefix, boolean listing) {
        this(root, prefix, listing, List.of(), Optional.empty());
    }
}
