package dev.container.files;

import io.undertow.io.IoCallback;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.encoding.GzipEncodingProvider;
import io.undertow.server.handlers.resource.PathResourceManager;
import io.undertow.util.DateUtils;
import io.undertow.util.ETag;
import io.undertow.util.ETagUtils;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Serves GET and HEAD for the files under one root, the exchange's relative path naming the
 * file: welcome files and optional listings for directories, validators and conditional
 * requests (RFC 9110 §13), single and multipart ranges (§14), precompressed siblings and
 * on-the-fly gzip, each response built the way the chosen representation requires.
 *
 * <p>Expects {@link PathGuard} in front of it and only GET or HEAD requests. Thread-safe; work
 * that touches the file system runs on a worker thread, except the one stat with which
 * {@link HotFiles} answers plain requests for small cached files on the I/O thread.
 */
final class FileHandler implements HttpHandler {
    static final List<String> WELCOME_FILES = List.of("index.html", "index.htm");
    /** Smaller bodies gain too little from gzip to pay for its header and CPU. */
    static final long GZIP_MIN_BYTES = 1024;
    private static final Map<String, String> SIBLING_SUFFIX = Map.of(AcceptEncoding.BR, ".br", AcceptEncoding.GZIP, ".gz");

    /** The bytes chosen for a response: a file (the original or a sibling) and how it is encoded. */
    private record Variant(Path file, BasicFileAttributes attributes, String coding, boolean gzipOnTheFly) {
        /**
         * Strong per encoded representation, as §8.8.3 requires; weak when we gzip on the fly,
         * since those bytes depend on the compressor (nginx does the same).
         */
        ETag etag() {
            String tag = Long.toHexString(attributes.lastModifiedTime().toMillis()) + "-"
                    + Long.toHexString(attributes.size()) + (coding == null || gzipOnTheFly ? "" : "-" + coding);
            return new ETag(gzipOnTheFly, tag);
        }

        Date lastModified() {
            return new Date(attributes.lastModifiedTime().toMillis());
        }
    }

    private final FileResolver files;
    private final SmallFileCache cache;
    private final HotFiles hot;
    private final PathResourceManager disk;
    private final boolean listing;
    /** Off: no gzip on the fly and no precompressed siblings; every file goes as it is. */
    private final boolean compression;
    private final GzipEncodingProvider gzip = new GzipEncodingProvider();

    FileHandler(FileResolver files, SmallFileCache cache, HotFiles hot, PathResourceManager disk, boolean listing,
                boolean compression) {
        this.compression = compression;
        this.files = files;
        this.cache = cache;
        this.hot = hot;
        this.disk = disk;
        this.listing = listing;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String relative = exchange.getRelativePath();
        if (exchange.isInIoThread()) {
            if (!hot.tryServe(exchange, relative)) {
                exchange.dispatch(this); // realpath, stat and reads block
            }
            return;
        }
        Path path = files.resolve(relative);
        BasicFileAttributes attributes = path == null ? null : attributes(path);
        if (attributes == null) {
            notFound(exchange);
        } else if (attributes.isDirectory()) {
            serveDirectory(exchange, relative, path);
        } else if (attributes.isRegularFile() && !relative.endsWith("/")) {
            serveFile(exchange, path, attributes, relative);
        } else {
            notFound(exchange); // a FIFO or device would block or never end; "file/" names no file
        }
    }

    private void serveDirectory(HttpServerExchange exchange, String relative, Path dir) throws IOException {
        Path index = welcomeFile(dir);
        if (index == null && !listing) {
            notFound(exchange); // no redirect either: it would tell that the directory exists
        } else if (!relative.endsWith("/")) {
            redirectToSlash(exchange);
        } else if (index != null) {
            BasicFileAttributes attributes = attributes(index);
            if (attributes == null) {
                notFound(exchange);
            } else {
                serveFile(exchange, index, attributes, null);
            }
        } else {
            DirectoryListing.send(exchange, dir, relative.equals("/"));
        }
    }

    private Path welcomeFile(Path dir) {
        for (String name : WELCOME_FILES) {
            Path index = files.confine(dir.resolve(name));
            if (index != null && Files.isRegularFile(index)) {
                return index;
            }
        }
        return null;
    }

    /** @param hotKey the relative path that names this file, to remember its response by; null for none */
    private void serveFile(HttpServerExchange exchange, Path file, BasicFileAttributes attributes, String hotKey)
            throws IOException {
        HeaderMap response = exchange.getResponseHeaders();
        ContentTypes.Type type = ContentTypes.of(file.getFileName().toString());
        boolean get = Methods.GET.equals(exchange.getRequestMethod());
        // §14.2: GET is the only method Range applies to; a range request gets the identity
        // bytes, so offsets and If-Range validators always refer to the file itself
        String rangeHeader = get ? exchange.getRequestHeaders().getFirst(Headers.RANGE) : null;
        Variant variant = rangeHeader == null ? choose(exchange, file, attributes, type)
                : new Variant(file, attributes, null, false);
        ETag etag = variant.etag();
        Date lastModified = variant.lastModified();
        String lastModifiedHeader = DateUtils.toDateString(lastModified);
        response.add(Headers.VARY, Headers.ACCEPT_ENCODING_STRING);
        response.put(Headers.ETAG, etag.toString());
        response.put(Headers.LAST_MODIFIED, lastModifiedHeader);
        if (preconditionFailed(exchange, etag, lastModified)) {
            exchange.setStatusCode(StatusCodes.PRECONDITION_FAILED);
            exchange.endExchange();
            return;
        }
        if (notModified(exchange, etag, lastModified)) {
            exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
            exchange.endExchange();
            return;
        }
        long size = variant.attributes().size();
        List<ByteRanges.Range> ranges = rangeHeader != null && ifRangeMatches(exchange, etag, lastModified)
                ? ByteRanges.satisfiable(rangeHeader, size) : null;
        if (ranges != null && ranges.isEmpty()) {
            exchange.setStatusCode(StatusCodes.REQUEST_RANGE_NOT_SATISFIABLE);
            response.put(Headers.CONTENT_RANGE, "bytes */" + size);
            exchange.setResponseContentLength(0);
            exchange.endExchange();
            return;
        }
        response.put(Headers.CONTENT_TYPE, type.header());
        if (variant.coding() == null) {
            response.put(Headers.ACCEPT_RANGES, "bytes");
        } else {
            response.put(Headers.CONTENT_ENCODING, variant.coding());
        }
        if (hotKey != null && ranges == null && variant.coding() == null) {
            remember(hotKey, variant, type, etag.toString(), lastModifiedHeader);
        }
        send(exchange, variant, ranges, type, get);
    }

    /**
     * Lets the I/O thread answer the next plain request for this file itself, if the file is small
     * and settled enough for the memory cache, with the headers just formatted.
     */
    private void remember(String hotKey, Variant variant, ContentTypes.Type type, String etag, String lastModified)
            throws IOException {
        BasicFileAttributes attributes = variant.attributes();
        if (hot.isCurrent(hotKey, attributes)) {
            return; // conditional and ranged requests come here each time: nothing to redo
        }
        byte[] body = cache.bytes(variant.file(), attributes);
        if (body == null && attributes.size() <= StaticFiles.CACHE_MAX_FILE_BYTES) {
            return; // small but not settled yet (just written): the full path decides again next time
        }
        long now = System.currentTimeMillis();
        boolean siblings = false;
        for (String suffix : SIBLING_SUFFIX.values()) {
            siblings |= files.confine(variant.file().resolveSibling(variant.file().getFileName() + suffix)) != null;
        }
        boolean gzipWorthy = type.compressible() && attributes.size() >= GZIP_MIN_BYTES;
        hot.remember(hotKey, new HotFiles.Response(body, type.header(), etag, lastModified,
                attributes.lastModifiedTime(), attributes.size(), attributes.fileKey(), compression && (siblings || gzipWorthy),
                now));
    }

    /** Sends the body (for GET) or ends the headers (for HEAD): whole, gzipped, one range or many. */
    private void send(HttpServerExchange exchange, Variant variant, List<ByteRanges.Range> ranges,
                      ContentTypes.Type type, boolean get) throws IOException {
        long size = variant.attributes().size();
        if (variant.gzipOnTheFly()) {
            if (get) {
                exchange.addResponseWrapper(gzip.getResponseWrapper());
                content(variant).sendAll(exchange, IoCallback.END_EXCHANGE);
            } else {
                // the length is unknown until compressed: taking the channel first lets Undertow
                // frame HEAD as it would GET (chunked) where endExchange alone would claim length 0
                exchange.getResponseChannel();
                exchange.endExchange();
            }
        } else if (ranges == null) {
            exchange.setResponseContentLength(size);
            if (get) {
                content(variant).sendAll(exchange, IoCallback.END_EXCHANGE);
            } else {
                exchange.endExchange();
            }
        } else if (ranges.size() == 1) {
            ByteRanges.Range range = ranges.get(0);
            exchange.setStatusCode(StatusCodes.PARTIAL_CONTENT);
            exchange.getResponseHeaders().put(Headers.CONTENT_RANGE, range.contentRange(size));
            exchange.setResponseContentLength(range.length());
            content(variant).sendRange(exchange, range, IoCallback.END_EXCHANGE);
        } else {
            MultipartRanges.send(exchange, content(variant), ranges, size, type.header());
        }
    }

    /**
     * A precompressed sibling the client accepts (x.css.br, x.css.gz), else gzip on the fly for a
     * compressible type worth it, else the file as it is. A sibling older than its original is a
     * leftover of an earlier build, and serving it would undo an edit, so it is passed over.
     */
    private Variant choose(HttpServerExchange exchange, Path file, BasicFileAttributes attributes, ContentTypes.Type type) {
        if (!compression) {
            return new Variant(file, attributes, null, false);
        }
        List<String> codings = AcceptEncoding.acceptable(exchange.getRequestHeaders().get(Headers.ACCEPT_ENCODING));
        for (String coding : codings) {
            Path sibling = files.confine(file.resolveSibling(file.getFileName() + SIBLING_SUFFIX.get(coding)));
            BasicFileAttributes siblingAttributes = sibling == null ? null : attributes(sibling);
            if (siblingAttributes != null && siblingAttributes.isRegularFile()
                    && siblingAttributes.lastModifiedTime().compareTo(attributes.lastModifiedTime()) >= 0) {
                return new Variant(sibling, siblingAttributes, coding, false);
            }
        }
        if (type.compressible() && attributes.size() >= GZIP_MIN_BYTES && codings.contains(AcceptEncoding.GZIP)) {
            return new Variant(file, attributes, AcceptEncoding.GZIP, true);
        }
        return new Variant(file, attributes, null, false);
    }

    private FileContent content(Variant variant) throws IOException {
        byte[] bytes = cache.bytes(variant.file(), variant.attributes());
        return bytes != null ? FileContent.inMemory(bytes) : FileContent.onDisk(variant.file(), disk);
    }

    /** RFC 9110 §13.2.2 steps 1-2: If-Match (strong comparison), else If-Unmodified-Since. */
    private static boolean preconditionFailed(HttpServerExchange exchange, ETag etag, Date lastModified) {
        HeaderMap request = exchange.getRequestHeaders();
        if (request.contains(Headers.IF_MATCH)) {
            return !ETagUtils.handleIfMatch(exchange, etag, false);
        }
        Date since = date(request.getFirst(Headers.IF_UNMODIFIED_SINCE));
        return since != null && seconds(lastModified) > seconds(since);
    }

    /** Steps 3-4: If-None-Match (weak comparison), else If-Modified-Since. */
    private static boolean notModified(HttpServerExchange exchange, ETag etag, Date lastModified) {
        HeaderMap request = exchange.getRequestHeaders();
        if (request.contains(Headers.IF_NONE_MATCH)) {
            return !ETagUtils.handleIfNoneMatch(exchange, etag, true);
        }
        Date since = date(request.getFirst(Headers.IF_MODIFIED_SINCE));
        return since != null && seconds(lastModified) <= seconds(since);
    }

    /** §13.1.5: the range applies only if If-Range is absent, our strong entity tag, or exactly our date. */
    private static boolean ifRangeMatches(HttpServerExchange exchange, ETag etag, Date lastModified) {
        String ifRange = exchange.getRequestHeaders().getFirst(Headers.IF_RANGE);
        if (ifRange == null) {
            return true;
        }
        if (ifRange.startsWith("\"") || ifRange.startsWith("W/")) {
            return !etag.isWeak() && ifRange.equals(etag.toString());
        }
        Date date = date(ifRange);
        return date != null && seconds(date) == seconds(lastModified);
    }

    /** The HTTP date in header, or null when absent or malformed (then the condition is ignored). */
    private static Date date(String header) {
        return header == null ? null : DateUtils.parseDate(header);
    }

    /** HTTP dates have whole seconds; comparing milliseconds would call every file modified. */
    private static long seconds(Date date) {
        return date.getTime() / 1000;
    }

    private static BasicFileAttributes attributes(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            return null; // removed since we resolved it
        }
    }

    private static void redirectToSlash(HttpServerExchange exchange) {
        String query = exchange.getQueryString();
        // a relative reference (§10.2.2) stays right behind proxies that change scheme or host
        exchange.getResponseHeaders().put(Headers.LOCATION,
                UriPaths.encode(exchange.getRequestPath()) + "/" + (query.isEmpty() ? "" : "?" + query));
        exchange.setStatusCode(StatusCodes.FOUND);
        exchange.endExchange();
    }

    private static void notFound(HttpServerExchange exchange) {
        exchange.setStatusCode(StatusCodes.NOT_FOUND);
        exchange.endExchange();
    }
}
