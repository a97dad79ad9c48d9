package dev.container.config;

import java.nio.file.Path;

/**
 * A directory of static files served under {@code prefix} ("/" or "/name", no trailing slash).
 * {@code listing} allows directory listings where a directory has no index file.
 */
public record StaticSpec(Path root, String prefix, boolean listing) {
    public StaticSpec {
        ContextPaths.requireValid(prefix);
    }
}
