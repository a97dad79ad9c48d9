package dev.container.files;

import dev.container.config.StaticSpec;
import io.undertow.server.HttpHandler;

import java.nio.file.Path;

/** Where a test's file bytes come from: behaviour must not depend on it. */
enum Storage {
    /** A cache that keeps nothing: every body streams from disk. */
    DISK,
    /** Settled files and the normal cache: bodies come from memory after the first load. */
    MEMORY;

    final SmallFileCache cache() {
        return this == DISK ? new SmallFileCache(0, 0)
                : new SmallFileCache(StaticFiles.CACHE_MAX_FILE_BYTES, StaticFiles.CACHE_MAX_TOTAL_BYTES);
    }

    /** Makes file cacheable when this is MEMORY. */
    final Path prepare(Path file) {
        return this == MEMORY ? TestSite.settle(file) : file;
    }

    final HttpHandler handler(StaticSpec spec) {
        return StaticFiles.handler(spec, cache());
    }
}
