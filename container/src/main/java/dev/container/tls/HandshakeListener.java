package dev.container.tls;

/**
 * Told how each TLS handshake on the HTTPS listeners ends (the metrics count them): once per
 * connection, on the connection's thread, so it must return at once and never throw. A
 * connection closed before its first byte (a port probe) is no handshake and is not told.
 */
public interface HandshakeListener {
    /** The handshake finished: a full one, or a resumed session (a ticket or a session id). */
    void completed(boolean resumed);

    /**
     * The handshake failed, for one of a few reasons ({@link HandshakeFailures}): protocol_version,
     * no_shared_cipher, certificate_refused, no_certificate, not_tls, alert, closed, other.
     */
    void failed(String reason);
}
