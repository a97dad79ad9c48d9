package dev.container.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.jandex.Index;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class indexes of the jars that the apps deploying together (a start, a reload) have in
 * common: a jar several apps ship (Spring's, say), known by its name, size and checksum, is
 * indexed (or read from the cache) once and its stored index linked into each app's cache
 * directory, not written again. Indexing and writing indexes were two thirds of a Spring MVC app's
 * deploy time (docs/design.md, Apps scaling). Held only while those apps deploy, so the indexes do
 * not stay in memory afterwards. Thread-safe: apps deploy beside each other; a jar that two of
 * them ask for at once is indexed once, the second waiting for it.
 */
public final class SharedIndexes {
    private static final Logger log = LoggerFactory.getLogger(SharedIndexes.class);

    /** Each jar's index and the cache file it was stored in, by that file's name (name, size, checksum). */
    private final ConcurrentHashMap<String, CompletableFuture<Stored>> byContent = new ConcurrentHashMap<>();

    /** An index and where it is stored. */
    record Stored(Index index, Path file) {
    }

    /** What makes a jar's index: reads the cache file or indexes the jar (and stores it there). */
    interface Loader {
        Index load() throws IOException;
    }

    /**
     * The index of the jar whose cache file is {@code cached}: the one already made for a jar of
     * the same content, with its file linked (or copied) to {@code cached}; else {@code loader}'s.
     */
    Index index(Path cached, Loader loader) throws IOException {
        var mine = new CompletableFuture<Stored>();
        CompletableFuture<Stored> first = byContent.putIfAbsent(cached.getFileName().toString(), mine);
        if (first == null) {
            try {
                Stored stored = new Stored(loader.load(), cached);
                mine.complete(stored);
                return stored.index();
            } catch (IOException | RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            }
        }
        Stored stored;
        try {
            stored = first.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
        share(stored.file(), cached);
        return stored.index();
    }

    /** The stored index in this app's cache directory too, so its next start reads it alone; best effort. */
    private static void share(Path from, Path to) {
        if (from.equals(to) || Files.exists(to) || !Files.isRegularFile(from)) {
            return;
        }
        try {
            Files.createDirectories(to.getParent());
            try {
                Files.createLink(to, from);
            } catch (IOException | UnsupportedOperationException noLinks) {
                Path temp = Files.createTempFile(to.getParent(), to.getFileName().toString(), ".tmp");
                Files.copy(from, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("cannot share index cache {} as {}: {}", from, to, e.toString());
        }
    }
}
