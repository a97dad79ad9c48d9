package dev.container.deploy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.jboss.jandex.CompositeIndex;
import org.jboss.jandex.Index;
import org.jboss.jandex.IndexReader;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.IndexWriter;
import org.jboss.jandex.Indexer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds Jandex indexes of an application's classes without loading them (the way WildFly scans
 * deployments): WEB-INF/classes, and each WEB-INF/lib jar, reusing a jar's own META-INF/jandex.idx
 * when it ships one. A jar's index is kept in a cache directory and reused while the jar's name,
 * size and checksum are unchanged: indexing is most of a framework app's deploy time (Spring
 * Boot's jars hold some 10,000 classes), checking and reading a stored index a few milliseconds.
 * Stateless; one deployment at a time per cache directory.
 */
final class ClassIndex {
    private static final Logger log = LoggerFactory.getLogger(ClassIndex.class);

    private ClassIndex() {
    }

    /**
     * One index per root (a classes directory or a jar), in the order given. Jar indexes are read
     * from and written to {@code cacheDir}; files there for jars no longer given are removed.
     */
    static Map<Path, IndexView> perRoot(List<Path> roots, Path cacheDir, String appName) throws DeploymentError {
        return perRoot(roots, cacheDir, appName, new SharedIndexes());
    }

    /** As {@link #perRoot(List, Path, String)}, a jar's index taken from {@code shared} when another app has the same jar. */
    static Map<Path, IndexView> perRoot(List<Path> roots, Path cacheDir, String appName, SharedIndexes shared)
            throws DeploymentError {
        JandexCompilation.exclude();
        Map<Path, IndexView> indexes = new LinkedHashMap<>();
        Set<Path> cacheFiles = new HashSet<>();
        for (Path root : roots) {
            try {
                if (Files.isDirectory(root)) {
                    indexes.put(root, indexDirectory(root));
                } else {
                    Path cached = cacheFile(root, cacheDir);
                    cacheFiles.add(cached);
                    indexes.put(root, shared.index(cached, () -> cachedJarIndex(root, cached)));
                }
            } catch (IOException | RuntimeException e) {
                throw new DeploymentError(appName + ": cannot read classes in " + root.getFileName()
                        + " (" + e.getMessage() + ")", e);
            }
        }
        removeAllBut(cacheFiles, cacheDir);
        return indexes;
    }

    /** A view over the indexes of the given roots only. */
    static IndexView combine(Map<Path, IndexView> indexes, Collection<Path> roots) {
        List<IndexView> parts = new ArrayList<>(roots.size());
        for (Path root : roots) {
            parts.add(indexes.get(root));
        }
        return CompositeIndex.create(parts);
    }

    /**
     * Named by content, not modification time: unpacked jars keep the times stored in the WAR, and
     * reproducible builds store one fixed time, so a changed jar of the same size would look alike.
     */
    private static Path cacheFile(Path jar, Path cacheDir) throws IOException {
        var crc = new CRC32C();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(jar)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
            }
        }
        return cacheDir.resolve(jar.getFileName() + "-" + Files.size(jar) + "-" + Long.toHexString(crc.getValue()) + ".idx");
    }

    private static Index cachedJarIndex(Path jar, Path cached) throws IOException {
        if (Files.isRegularFile(cached)) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(cached))) {
                return new IndexReader(in).read();
            } catch (IOException | RuntimeException unreadable) {
                log.debug("index cache {} unreadable, indexing {} again: {}", cached, jar.getFileName(), unreadable.toString());
            }
        }
        Index index = indexJar(jar);
        store(index, cached);
        return index;
    }

    /** Writes beside and moves into place, so a reader never sees half a file. A cache that cannot be written is skipped. */
    private static void store(Index index, Path cached) {
        try {
            Files.createDirectories(cached.getParent());
            Path temp = Files.createTempFile(cached.getParent(), cached.getFileName().toString(), ".tmp");
            try {
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp))) {
                    new IndexWriter(out).write(index);
                }
                Files.move(temp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("cannot store index cache {}: {}", cached, e.toString());
        }
    }

    /** Drops the indexes of jars the app no longer has, so the cache does not grow with each redeploy. */
    private static void removeAllBut(Set<Path> keep, Path cacheDir) {
        if (!Files.isDirectory(cacheDir)) {
            return;
        }
        try (Stream<Path> files = Files.list(cacheDir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!keep.contains(file)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            log.debug("cannot prune index cache {}: {}", cacheDir, e.toString());
        }
    }

    private static Index indexDirectory(Path dir) throws IOException {
        Indexer indexer = new Indexer();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.filter(ClassIndex::isClassFile)::iterator) {
                try (InputStream in = Files.newInputStream(file)) {
                    indexer.index(in);
                }
            }
        }
        return indexer.complete();
    }

    private static Index indexJar(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            var prebuilt = file.getEntry("META-INF/jandex.idx");
            if (prebuilt != null) {
                try (InputStream in = file.getInputStream(prebuilt)) {
                    return new IndexReader(in).read();
                } catch (IOException | IllegalArgumentException unsupportedVersion) {
                    // An index from a Jandex too new or too old for us: index the jar ourselves.
                }
            }
            Indexer indexer = new Indexer();
            var entries = file.entries();
            while (entries.hasMoreElements()) {
                var entry = entries.nextElement();
                String name = entry.getName();
                // Skip multi-release variants and module descriptors: one view of each class is enough.
                if (name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class")) {
                    try (InputStream in = file.getInputStream(entry)) {
                        indexer.index(in);
                    }
                }
            }
            return indexer.complete();
        }
    }

    private static boolean isClassFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".class") && !name.equals("module-info.class") && Files.isRegularFile(file);
    }
}
