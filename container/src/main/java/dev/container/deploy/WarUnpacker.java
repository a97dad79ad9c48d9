package dev.container.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Unpacks a WAR into the state directory, as Tomcat does into webapps/: reused as is while the
 * WAR's size and modification time are unchanged, unpacked afresh (beside the old copy, then
 * swapped in) when they change. A process killed in the middle leaves the app's directory whole
 * or absent, never half: an unpack goes into {@code NAME.unpacking-*} and is renamed into place
 * once complete with its stamp written last, and the old copy is moved aside to {@code NAME.old-*}
 * first. Such leftovers are removed at the app's next unpack. Not safe for two processes on one
 * state directory at once.
 */
final class WarUnpacker {
    private static final String STAMP = ".container-war";
    private static final String UNPACKING = ".unpacking-";
    private static final String OLD = ".old-";

    private WarUnpacker() {
    }

    /** The unpacked directory {@code appsDir/name}, up to date with {@code war}. */
    static Path unpack(Path war, Path appsDir, String name) throws DeploymentError {
        return unpack(war, appsDir, name, "");
    }

    /**
     * Like {@link #unpack(Path, Path, String)}, but only the entries under {@code prefix} (such as
     * "META-INF/resources/"), into {@code appsDir/name} without the prefix.
     */
    static Path unpack(Path war, Path appsDir, String name, String prefix) throws DeploymentError {
        Path target = appsDir.resolve(name);
        try {
            Files.createDirectories(appsDir);
            String stamp = stampOf(war);
            Path stampFile = target.resolve(STAMP);
            if (Files.isRegularFile(stampFile) && Files.readString(stampFile).equals(stamp)) {
                return target;
            }
            removeLeftovers(appsDir, name);
            Path fresh = Files.createTempDirectory(appsDir, name + UNPACKING);
            try {
                extract(war, fresh, prefix);
                Files.writeString(fresh.resolve(STAMP), stamp);
                replace(target, fresh, appsDir, name);
            } catch (DeploymentError | IOException | RuntimeException e) {
                deleteTree(fresh);
                throw e;
            }
            return target;
        } catch (IOException e) {
            throw new DeploymentError(war.getFileName() + ": cannot unpack into " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes what an unpack of name killed in the middle left: a half-written NAME.unpacking-*
     * directory, or a NAME.old-* one that was to be deleted. Other names' directories are theirs.
     */
    private static void removeLeftovers(Path appsDir, String name) throws IOException {
        try (var entries = Files.newDirectoryStream(appsDir, entry -> {
            String file = entry.getFileName().toString();
            return file.startsWith(name + UNPACKING) || file.startsWith(name + OLD);
        })) {
            for (Path leftover : entries) {
                org.slf4j.LoggerFactory.getLogger(WarUnpacker.class).info("removing {}, left by an unpack that did not finish",
                        leftover);
                deleteTree(leftover);
            }
        }
    }

    /** What identifies a WAR's version without reading it: its path, size and modification time. */
    static String stampOf(Path war) throws IOException {
        return war.toAbsolutePath() + "\n" + Files.size(war) + "\n" + Files.getLastModifiedTime(war).toMillis() + "\n";
    }

    private static void extract(Path war, Path into, String prefix) throws DeploymentError, IOException {
        try (ZipFile zip = new ZipFile(war.toFile())) {
            var entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (!entry.getName().startsWith(prefix) || entry.getName().length() == prefix.length()) {
                    continue;
                }
                Path out = into.resolve(entry.getName().substring(prefix.length())).normalize();
                // Zip-slip: an entry such as "../../etc/x" must not escape the app directory.
                if (!out.startsWith(into) || entry.getName().contains("\\") || entry.getName().startsWith("/")) {
                    throw new DeploymentError(war.getFileName() + ": entry '" + entry.getName()
                            + "' points outside the application; refusing to unpack");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
                if (entry.getLastModifiedTime() != null) {
                    // Keeps Last-Modified of static resources stable across re-unpacks.
                    Files.setLastModifiedTime(out, entry.getLastModifiedTime());
                }
            }
        } catch (ZipException e) {
            throw new DeploymentError(war.getFileName() + ": corrupt WAR (" + e.getMessage() + ")", e);
        }
    }

    private static void replace(Path target, Path fresh, Path appsDir, String name) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = Files.createTempDirectory(appsDir, name + OLD);
            Files.delete(old);
            move(target, old);
        }
        move(fresh, target);
        if (old != null) {
            deleteTree(old);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // Leftovers of an old unpack only waste disk; the next unpack uses a fresh directory.
            org.slf4j.LoggerFactory.getLogger(WarUnpacker.class).warn("could not delete {}: {}", root, e.toString());
        }
    }
}
