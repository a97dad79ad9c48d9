package dev.container.files;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;

/**
 * Answers 404 for a relative path that could name something other than a plain file below the
 * mount: a "." or ".." segment, a backslash, or a control character (NUL included). Runs on the
 * IO thread before any file system access; {@link FileResolver} still confines what passes to the
 * root, so this is the first of two independent checks. Thread-safe, stateless.
 *
 * <p>It sees the path Undertow already percent-decoded ({@code %2e%2e} arrives as {@code ..});
 * {@code %2F} stays encoded by default (UndertowOptions.ALLOW_ENCODED_SLASH is false), so
 * {@code ..%2fsecret} is one harmless segment that names no file.
 */
final class PathGuard implements HttpHandler {
    private final HttpHandler next;

    PathGuard(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (isSafe(exchange.getRelativePath())) {
            next.handleRequest(exchange);
        } else {
            exchange.setStatusCode(StatusCodes.NOT_FOUND);
            exchange.endExchange();
        }
    }

    static boolean isSafe(String relativePath) {
        int segmentStart = 0;
        for (int i = 0; i <= relativePath.length(); i++) {
            char c = i < relativePath.length() ? relativePath.charAt(i) : '/';
            // a backslash is a separator on Windows and in some clients' eyes; never a name here
            if (c < 0x20 || c == 0x7f || c == '\\') {
                return false;
            }
            if (c == '/') {
                if (isDotSegment(relativePath, segmentStart, i)) {
                    return false;
                }
                segmentStart = i + 1;
            }
        }
        return true;
    }

    /** "." or ".." between start (inclusive) and end (exclusive). */
    private static boolean isDotSegment(String path, int start, int end) {
        int length = end - start;
        return (length == 1 || length == 2) && path.charAt(start) == '.' && path.charAt(end - 1) == '.';
    }
}
