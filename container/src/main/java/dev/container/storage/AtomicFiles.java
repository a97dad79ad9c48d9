package dev.container.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files of the state directory written whole or not at all, so a crash or a full disk never
 * leaves a half-written key, certificate or admin file behind: ACME storage, the local CA and
 * the admin channel's file all write through here. A process killed while writing leaves the
 * old file (or none) and a temporary file beside it, which the next write of that file removes. Stateless; safe from any thread (two writers
 * of one file: the last rename wins).
 */
public final class AtomicFiles {
    private static final long LEFTOVER_AGE_MILLIS = 60_000;

    private AtomicFiles() {
    }

    /** {@link #write(Path, byte[], boolean)} of ASCII text (PEM). */
    public static void write(Path file, String text, boolean secret) throws IOException {
        write(file, text.getBytes(StandardCharsets.US_ASCII), secret);
    }

    /**
     * Writes content to file atomically: a temporary file beside it (0600 when secret, from its
     * creation on, so the key is never readable by others), fsync, rename, fsync of the directory.
     */
    public static void write(Path file, byte[] content, boolean secret) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        removeLeftovers(file);
        Path temp;
        if (secret && posix()) {
            temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        }
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
                out.write(content);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(dir);
    }

    /**
     * Deletes the temporary files of earlier writes of file that a crash or kill left beside it
     * ({@code .NAME<digits>.tmp}, a minute old or more: not another thread's write in progress):
     * never read, but a half-written key has no business lying around.
     */
    public static void removeLeftovers(Path file) throws IOException {
        long before = System.currentTimeMillis() - LEFTOVER_AGE_MILLIS;
        Path dir = file.toAbsolutePath().getParent();
        String prefix = "." + file.getFileName();
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var leftovers = Files.newDirectoryStream(dir, entry -> {
            String name = entry.getFileName().toString();
            return name.startsWith(prefix) && name.endsWith(".tmp")
                    && name.substring(prefix.length(), name.length() - ".tmp".length()).chars().allMatch(Character::isDigit);
        })) {
            for (Path leftover : leftovers) {
                try {
                    if (Files.getLastModifiedTime(leftover).toMillis() < before) {
                        Files.deleteIfExists(leftover);
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    // its writer renamed or removed it meanwhile
                }
            }
        }
    }

    /** The rename itself is durable only once the directory is (POSIX); best effort elsewhere. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // not every platform opens directories (Windows); the data itself is already forced
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
