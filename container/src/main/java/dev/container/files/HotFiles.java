package dev.container.files;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Whole responses for hot files, answered on the I/O thread: the common request for a file
 * served before (GET or HEAD, no range, no condition) costs one {@code stat} and one write (a
 * small file, from memory) or an open and sendfile calls ({@link ZeroCopySend}, a large one), with no hop to a worker
 * thread, no realpath walk and no header formatting. Everything else (and any
 * doubt) goes to {@link FileHandler}'s full path on a worker, which also fills this table.
 *
 * <p>Each request still stats the file it names, following links as the full path does, and the
 * entry is used only if size, modification time and file key (device and inode) are unchanged:
 * an edit, a replacement by rename or a link pointed elsewhere is seen at once. The file key
 * also makes the realpath check of the full path unnecessary here: the same inode is the very
 * file that was confined to the root when the entry was made. Only the appearance of a
 * precompressed sibling (x.css.gz) is noticed up to {@link #SIBLING_CHECK_MILLIS} late, and only
 * by clients that accept that coding; until then they get the identity bytes, which are correct.
 *
 * <p>Bounded by a byte budget, least recently used out first ({@link BoundedLru}). Thread-safe;
 * its lock is never held during I/O.
 */
final class HotFiles {
    /** How long the absence of .br and .gz siblings, checked on the full path, is trusted. */
    static final long SIBLING_CHECK_MILLIS = 1_000;
    /**
     * What an entry holds beside its body, in bytes, estimated and rounded up: the key, the record,
     * its ETag and date strings, the file time and key, the map's node (about 400 bytes on a 64-bit
     * JVM with compressed pointers).
     */
    static final int ENTRY_BYTES = 512;

    /**
     * A ready response: every header value, formatted once, and the body, or null for a file too
     * large to keep in memory, which is sent from disk (zero-copy) without a hop to a worker.
     */
    record Response(byte[] body, String contentType, String etag, String lastModified,
                    FileTime modified, long size, Object fileKey, boolean encodingMatters, long siblingsCheckedAt) {
        /**
         * What the entry costs in the budget: its body, or a nominal 1 KiB for a file on disk, plus
         * {@link #ENTRY_BYTES}, so that a tree of empty or tiny files cannot hold unbounded memory.
         */
        long charge() {
            return (body == null ? 1024 : body.length) + ENTRY_BYTES;
        }

        boolean matches(BasicFileAttributes attributes) {
            return size == attributes.size() && modified.equals(attributes.lastModifiedTime())
                    && Objects.equals(fileKey, attributes.fileKey());
        }
    }

    private final FileResolver files;
    private final BoundedLru<String, Response> entries;
    private final LongAdder hits = new LongAdder();

    HotFiles(FileResolver files, long maxTotalBytes) {
        this.files = files;
        this.entries = new BoundedLru<>(maxTotalBytes, Response::charge);
    }

    /**
     * Answers the exchange from the table if it can, on whatever thread this is; false (having
     * touched nothing) when the request must take the full path.
     */
    boolean tryServe(HttpServerExchange exchange, String relativePath) {
        Response response = entries.get(relativePath);
        if (response == null || !plain(exchange, response)) {
            return false;
        }
        Path requested;
        try {
            requested = files.unresolved(relativePath);
        } catch (InvalidPathException e) {
            return false;
        }
        BasicFileAttributes attributes = attributes(requested);
        if (attributes == null || !attributes.isRegularFile() || !response.matches(attributes)) {
            forget(relativePath, response);
            return false;
        }
        boolean get = Methods.GET.equals(exchange.getRequestMethod());
        // The path just checked, not the real path of the entry: its inode is the one we know.
        FileChannel file = get && response.body() == null ? ZeroCopySend.open(requested) : null;
        if (get && response.body() == null && file == null) {
            forget(relativePath, response);
            return false;
        }
        HeaderMap headers = exchange.getResponseHeaders();
        headers.add(Headers.VARY, Headers.ACCEPT_ENCODING_STRING);
        headers.put(Headers.ETAG, response.etag());
        headers.put(Headers.LAST_MODIFIED, response.lastModified());
        headers.put(Headers.CONTENT_TYPE, response.contentType());
        headers.put(Headers.ACCEPT_RANGES, "bytes");
        exchange.setResponseContentLength(response.size());
        hits.increment();
        if (!get) {
            exchange.endExchange();
        } else if (file == null) {
            exchange.getResponseSender().send(ByteBuffer.wrap(response.body()));
        } else {
            ZeroCopySend.start(exchange, file, response.size());
        }
        return true;
    }

    /** Remembers the response the full path just chose for relativePath: the whole file, identity. */
    void remember(String relativePath, Response response) {
        entries.put(relativePath, response);
    }

    /** How many requests were answered from the table. */
    long hits() {
        return hits.sum();
    }

    /** Whether the table holds relativePath for the file with these attributes, siblings checked recently. */
    boolean isCurrent(String relativePath, BasicFileAttributes attributes) {
        Response response = entries.get(relativePath);
        return response != null && response.matches(attributes)
                && System.currentTimeMillis() - response.siblingsCheckedAt() < SIBLING_CHECK_MILLIS;
    }

    boolean contains(String relativePath) {
        return entries.contains(relativePath);
    }

    private void forget(String relativePath, Response response) {
        entries.remove(relativePath, response);
    }

    /**
     * True when the stored response is the one the full path would give: no range or condition to
     * evaluate, and either no coding the client accepts or none that could change the answer.
     */
    private static boolean plain(HttpServerExchange exchange, Response response) {
        HeaderMap request = exchange.getRequestHeaders();
        if (request.contains(Headers.RANGE) || request.contains(Headers.IF_NONE_MATCH)
                || request.contains(Headers.IF_MODIFIED_SINCE) || request.contains(Headers.IF_MATCH)
                || request.contains(Headers.IF_UNMODIFIED_SINCE) || request.contains(Headers.IF_RANGE)) {
            return false;
        }
        if (AcceptEncoding.acceptable(request.get(Headers.ACCEPT_ENCODING)).isEmpty()) {
            return true;
        }
        return !response.encodingMatters()
                && System.currentTimeMillis() - response.siblingsCheckedAt() < SIBLING_CHECK_MILLIS;
    }

    private static BasicFileAttributes attributes(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException | RuntimeException e) {
            return null; // gone, unreadable, or a name the file system rejects: the full path decides
        }
    }
}
