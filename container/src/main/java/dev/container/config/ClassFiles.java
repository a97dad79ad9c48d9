package dev.container.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Whether a class exists in a WAR, an exploded WAR or a jar, by its class file and without
 * loading it: what validate can check of a class job before any app runs. Stateless.
 */
final class ClassFiles {
    private ClassFiles() {
    }

    static String entry(String className) {
        return className.replace('.', '/') + ".class";
    }

    /** In WEB-INF/classes or a jar of WEB-INF/lib of the WAR file or exploded directory. */
    static boolean inWar(Path war, String className) {
        String entry = entry(className);
        try {
            if (Files.isDirectory(war)) {
                if (Files.isRegularFile(war.resolve("WEB-INF/classes").resolve(entry))) {
                    return true;
                }
                Path lib = war.resolve("WEB-INF/lib");
                if (!Files.isDirectory(lib)) {
                    return false;
                }
                try (Stream<Path> jars = Files.list(lib)) {
                    return jars.filter(j -> j.toString().endsWith(".jar")).anyMatch(j -> inJar(j, className));
                }
            }
            try (ZipFile zip = new ZipFile(war.toFile())) {
                if (zip.getEntry("WEB-INF/classes/" + entry) != null) {
                    return true;
                }
                for (ZipEntry e : zip.stream().filter(e -> e.getName().startsWith("WEB-INF/lib/")
                        && e.getName().endsWith(".jar")).toList()) {
                    try (InputStream in = zip.getInputStream(e); ZipInputStream nested = new ZipInputStream(in)) {
                        for (ZipEntry n; (n = nested.getNextEntry()) != null; ) {
                            if (n.getName().equals(entry)) {
                                return true;
                            }
                        }
                    }
                }
                return false;
            }
        } catch (IOException e) {
            return false;
        }
    }

    static boolean inJar(Path jar, String className) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.getEntry(entry(className)) != null;
        } catch (IOException e) {
            return false;
        }
    }

    static boolean inJars(List<Path> jars, String className) {
        return jars.stream().anyMatch(j -> inJar(j, className));
    }

    /** On the container's own class path. */
    static boolean inContainer(String className) {
        return ClassFiles.class.getClassLoader().getResource(entry(className)) != null;
    }
}
