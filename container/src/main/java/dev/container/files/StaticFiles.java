package dev.container.files;

import dev.container.config.StaticSpec;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.resource.PathResourceManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Static file mounts: the handler for one {@link StaticSpec}.
 *
 * <p>The handler serves {@code exchange.getRelativePath()} below {@code spec.root()}, so it sits
 * behind a prefix match that strips the mount prefix (PathHandler.addPrefixPath); it works at
 * "/" and under a prefix, where a request for the bare prefix is redirected to "prefix/". It
 * expects Undertow's default URL decoding (percent-decoded paths, %2F left encoded).
 */
public final class StaticFiles {
    /** Files up to this size are kept in memory once settled; larger ones stream from disk. */
    static final int CACHE_MAX_FILE_BYTES = 64 * 1024;
    static final long CACHE_MAX_TOTAL_BYTES = 32L * 1024 * 1024;
    /**
     * Ready responses answered on the I/O thread; they share their bodies with the cache above, so
     * this bounds only what the cache has already let go of.
     */
    static final long HOT_MAX_TOTAL_BYTES = 16L * 1024 * 1024;

    private StaticFiles() {
    }

    /**
     * What a mount's handler depends on: the directory and how it is served, not the prefix or the
     * hosts (the handler serves the path below whatever prefix matched). Mounts of one source may
     * share one handler, its caches with it.
     */
    public record Source(Path root, boolean listing, Optional<Duration> maxAge, boolean compression) {
        public static Source of(StaticSpec spec) {
            return new Source(spec.root(), spec.listing(), spec.maxAge(), spec.compression());
        }
    }

    /**
     * A handler serving spec.root(); thread-safe; built once, no per-request allocation of tables.
     * Holds nothing that needs closing (a bounded in-memory cache only).
     *
     * @throws java.io.UncheckedIOException when the root does not exist or cannot be read
     */
    public static HttpHandler handler(StaticSpec spec) {
        return handler(spec, new SmallFileCache(CACHE_MAX_FILE_BYTES, CACHE_MAX_TOTAL_BYTES));
    }

    static HttpHandler handler(StaticSpec spec, SmallFileCache cache) {
        return handler(spec, cache, files -> new HotFiles(files, HOT_MAX_TOTAL_BYTES));
    }

    /** hot: makes the table of ready responses for the mount's files. */
    static HttpHandler handler(StaticSpec spec, SmallFileCache cache, Function<FileResolver, HotFiles> hot) {
        FileResolver files = new FileResolver(spec.root());
        HttpHandler handler = new FileHandler(files, cache, hot.apply(files), disk(files.root()), spec.listing(),
                spec.compression());
        handler = new PathGuard(handler);
        handler = new GetOrHeadOnly(handler);
        if (spec.maxAge().isPresent()) {
            handler = new CacheControl(spec.maxAge().get(), handler);
        }
        return handler;
    }

    /** Opens PathResources under root: no change listener, so nothing to close. */
    private static PathResourceManager disk(Path root) {
        return (PathResourceManager) PathResourceManager.builder()
                .setBase(root)
                .setAllowResourceChangeListeners(false)
                .build();
    }
}
