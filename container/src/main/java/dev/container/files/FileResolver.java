package dev.container.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Maps a request's relative path to the real path of a file or directory under one root.
 * Symbolic links are followed, and whatever they resolve to must still lie under the root's
 * real path, compared name by name ({@code /srv/site-evil} is not under {@code /srv/site}).
 * Thread-safe, immutable; each call does blocking file system work (realpath).
 */
final class FileResolver {
    private final Path root;

    /** @throws UncheckedIOException when root does not exist or cannot be resolved */
    FileResolver(Path root) {
        try {
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("static root " + root + " cannot be opened", e);
        }
    }

    Path root() {
        return root;
    }

    /** The real path that relativePath names under the root, or null if none exists there. */
    Path resolve(String relativePath) {
        try {
            return confine(unresolved(relativePath));
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /**
     * relativePath below the root as it is written, links not followed and nothing confined:
     * for a {@code stat} whose file key is then compared with one already confined.
     *
     * @throws InvalidPathException for a name the file system cannot have
     */
    Path unresolved(String relativePath) {
        int start = 0;
        // "//etc/passwd" must not become an absolute path for Path.resolve
        while (start < relativePath.length() && relativePath.charAt(start) == '/') {
            start++;
        }
        return root.resolve(relativePath.substring(start));
    }

    /** The real path of candidate if it exists and lies under the root, else null. */
    Path confine(Path candidate) {
        try {
            Path real = candidate.toRealPath();
            return real.startsWith(root) ? real : null;
        } catch (IOException | InvalidPathException e) {
            return null;
        }
    }
}
