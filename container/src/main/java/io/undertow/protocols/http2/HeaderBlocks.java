package io.undertow.protocols.http2;

import io.undertow.server.protocol.framed.FrameHeaderData;

/**
 * Ours, not Undertow's: two questions about Undertow's HTTP/2 header parsing that only its own
 * package may ask, for {@code dev.container.server.GuardedHttp2Channel}. Kept this small, so that
 * an Undertow upgrade that changes the parser breaks the build here rather than behaviour elsewhere.
 */
public final class HeaderBlocks {
    private HeaderBlocks() {
    }

    /**
     * Whether frame is a HEADERS (or CONTINUATION) frame whose header block goes on in a
     * CONTINUATION frame not parsed yet (no END_HEADERS seen).
     */
    public static boolean open(FrameHeaderData frame) {
        return frame instanceof Http2FrameHeaderParser parser && parser.getContinuationParser() != null;
    }

    /** The SETTINGS_MAX_HEADER_LIST_SIZE channel advertises and enforces on decoded fields (0 or less: none). */
    public static int maxHeaderListSize(Http2Channel channel) {
        return channel.getMaxHeaderListSize();
    }
}
