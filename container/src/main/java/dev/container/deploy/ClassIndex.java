package dev.container.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.jboss.jandex.CompositeIndex;
import org.jboss.jandex.Index;
import org.jboss.jandex.IndexReader;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.Indexer;

/**
 * Builds Jandex indexes of an application's classes without loading them (the way WildFly scans
 * deployments): WEB-INF/classes, and each WEB-INF/lib jar, reusing a jar's own META-INF/jandex.idx
 * when it ships one. Stateless.
 */
final class ClassIndex {
    private ClassIndex() {
    }

    /** One index per root (a classes directory or a jar), in the order given. */
    static Map<Path, IndexView> perRoot(List<Path> roots, String appName) throws DeploymentError {
        Map<Path, IndexView> indexes = new LinkedHashMap<>();
        for (Path root : roots) {
            try {
                indexes.put(root, Files.isDirectory(root) ? indexDirectory(root) : indexJar(root));
            } catch (IOException | RuntimeException e) {
                throw new DeploymentError(appName + ": cannot read classes in " + root.getFileName()
                        + " (" + e.getMessage() + ")", e);
            }
        }
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
