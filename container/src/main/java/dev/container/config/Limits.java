package dev.container.config;

import java.time.Duration;

/**
 * Limits that protect the server from large or slow clients; applied to every listener.
 *
 * @param maxRequestBody bytes a request body may have, {@link #UNLIMITED} for no limit
 * @param maxHeaderSize bytes the request line and headers may take together
 * @param idleTimeout how long a kept-alive connection may wait for its next request
 * @param requestTimeout how long a client may take to send a request's line and headers
 * @param maxConnections open connections per listener; above it, accepting pauses
 * @param http2MaxConcurrentStreams streams one HTTP/2 connection may have open at once
 * @param writeTimeout how long a response may make no progress (a client that does not read, an
 *                     HTTP/2 stream on a zero window) before its connection is closed or its stream reset
 */
public record Limits(long maxRequestBody, long maxHeaderSize, Duration idleTimeout, Duration requestTimeout,
                     int maxConnections, int http2MaxConcurrentStreams, Duration writeTimeout) {
    public static final long UNLIMITED = -1;

    public Limits {
        if (maxRequestBody < UNLIMITED || maxHeaderSize <= 0 || maxHeaderSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad size limit");
        }
        if (idleTimeout.isNegative() || requestTimeout.isNegative() || writeTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
        if (maxConnections < 1 || http2MaxConcurrentStreams < 1) {
            throw new IllegalArgumentException("counts must be at least 1");
        }
    }
}
