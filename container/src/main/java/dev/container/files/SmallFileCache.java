package dev.container.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * Keeps the bytes of small, hot files in memory, least recently used out first, within a byte
 * budget. Every lookup is checked against the attributes the caller just read (modification
 * time, size and file key, i.e. the inode): a file rewritten in place or replaced by a rename is
 * reloaded at once. Undertow's CachingResourceManager only re-checks after a max age, which
 * would serve stale bytes in between; hence this class.
 *
 * <p>Thread-safe: the table's lock is never held during I/O.
 */
final class SmallFileCache {
    /**
     * A file modified this recently is not cached: file system clocks tick coarsely (jiffies on
     * Linux, 1-2 s on some file systems), so a second write within the same tick and of the same
     * size would leave every attribute unchanged, the "racy git" problem. Once a file is older
     * than this, any later write gives it a different modification time.
     */
    static final long RACY_MILLIS = 2_000;
    /**
     * What an entry holds beside the file's bytes, charged to the budget too, so that empty or
     * tiny files cannot hold unbounded memory; estimated and rounded up: the path key, the record,
     * the array's header, the file time and key, the map's node (about 350 bytes on a 64-bit JVM
     * with compressed pointers).
     */
    static final int ENTRY_BYTES = 512;

    private record Entry(byte[] bytes, FileTime modified, long size, Object fileKey) {
        boolean matches(BasicFileAttributes attributes) {
            return size == attributes.size() && modified.equals(attributes.lastModifiedTime())
                    && Objects.equals(fileKey, attributes.fileKey());
        }
    }

    private final int maxFileBytes;
    private final BoundedLru<Path, Entry> entries;

    SmallFileCache(int maxFileBytes, long maxTotalBytes) {
        this.maxFileBytes = maxFileBytes;
        this.entries = new BoundedLru<>(maxTotalBytes, entry -> entry.bytes().length + ENTRY_BYTES);
    }

    /**
     * The bytes of file if it is small and settled enough to hold in memory, loading it on a miss;
     * null when the caller should stream it from disk instead.
     *
     * @param attributes read by the caller for this request; the bytes returned match them
     */
    byte[] bytes(Path file, BasicFileAttributes attributes) throws IOException {
        if (attributes.size() > maxFileBytes) {
            return null;
        }
        Entry entry = entries.get(file);
        if (entry != null && entry.matches(attributes)) {
            return entry.bytes();
        }
        if (attributes.lastModifiedTime().toMillis() > System.currentTimeMillis() - RACY_MILLIS) {
            return null;
        }
        byte[] bytes = Files.readAllBytes(file);
        BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
        Entry loaded = new Entry(bytes, after.lastModifiedTime(), after.size(), after.fileKey());
        if (bytes.length != after.size() || !loaded.matches(attributes)) {
            return null; // changed while we read it; the disk path will serve the current state
        }
        entries.put(file, loaded);
        return bytes;
    }

    boolean contains(Path file) {
        return entries.contains(file);
    }

    /** What the entries cost in the budget: their bytes and {@link #ENTRY_BYTES} each. */
    long totalBytes() {
        return entries.total();
    }
}
