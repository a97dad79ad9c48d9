package dev.container.config;

import java.time.Duration;

/**
 * Limits that protect the server from large or slow clients; applied to every listener.
 *
 * @param maxRequestBody bytes a request body may have, {@link #UNLIMITED} for no limit; over it, 413
 * @param maxHeaderSize bytes the request line and headers may take together; over it, 431
 * @param idleTimeout how long a kept-alive connection may wait for its next request
 * @param requestTimeout how long a client may take to send a request's line and headers
 * @param maxConnections open connections per listener; above it, accepting pauses
 * @param http2MaxConcurrentStreams streams one HTTP/2 connection may have open at once
 * @param maxRequestLine bytes the request line (method, target, version) may take; over it, 414
 * @param maxHeaders header fields a request may have; over it, 431
 * @param bodyTimeout how long a read of a request body may wait for the client's next bytes
 *                    ({@link Duration#ZERO}: no limit); also the grace period of bodyMinRate
 * @param bodyMinRate bytes per second a request body must average, counting only the time spent
 *                    waiting for the client, once bodyTimeout has passed (0: no minimum)
 * @param writeTimeout how long a response may make no progress (a client that does not read, an
 *                     HTTP/2 stream on a zero window) before its connection is closed or its stream reset
 */
public record Limits(long maxRequestBody, long maxHeaderSize, Duration idleTimeout, Duration requestTimeout,
                     int maxConnections, int http2MaxConcurrentStreams, long maxRequestLine, int maxHeaders,
                     Duration bodyTimeout, long bodyMinRate, Duration writeTimeout) {
    public static final long UNLIMITED = -1;

    public Limits {
        if (maxRequestBody < UNLIMITED || maxHeaderSize <= 0 || maxHeaderSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad size limit");
        }
        if (idleTimeout.isNegative() || requestTimeout.isNegative() || bodyTimeout.isNegative()
                || writeTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
        if (maxRequestLine <= 0 || maxRequestLine > maxHeaderSize) {
            throw new IllegalArgumentException("the request line limit must be 1..max-header-size");
        }
        if (bodyMinRate < 0) {
            throw new IllegalArgumentException("bodyMinRate must not be negative");
        }
        if (maxConnections < 1 || http2MaxConcurrentStreams < 1 || maxHeaders < 1) {
            throw new IllegalArgumentException("counts must be at least 1");
        }
    }
}
