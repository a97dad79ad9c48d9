package dev.container.probe;

import java.util.List;

/**
 * HTTP/2 (RFC 9113) over TLS and h2c: rapid reset, MadeYouReset, CONTINUATION floods, more streams
 * than SETTINGS_MAX_CONCURRENT_STREAMS, HPACK header lists over the advertised limit, frames on
 * stream 0 or closed streams, zero-window stalls. Frames are written and read with Netty's
 * HTTP/2 codec.
 */
final class Http2Probes {
    private Http2Probes() {
    }

    static List<Probe> all() {
        return List.of();
    }
}
