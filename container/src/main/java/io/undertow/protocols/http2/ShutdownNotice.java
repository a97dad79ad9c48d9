package io.undertow.protocols.http2;

import io.undertow.server.protocol.framed.SendFrameHeader;
import io.undertow.util.ImmediatePooledByteBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.ChannelListeners;

/**
 * container's own class, not Undertow's (it lives in Undertow's package because HTTP/2 frame
 * writers can only be made there): the shutdown notice of RFC 9113 §6.8, a GOAWAY with the last
 * stream id 2^31-1 and NO_ERROR, which tells the client to open no new streams on this connection
 * while every stream it has sent, even one crossing the notice, is still served. Undertow's own
 * {@link Http2Channel#sendGoAway} names the last stream received and closes the connection once the
 * frame is written, cutting the responses still being produced; this frame leaves the connection
 * open, and the final {@code sendGoAway} follows once no request runs.
 */
public final class ShutdownNotice extends Http2NoDataStreamSinkChannel {
    private static final int LAST_STREAM_ID = Integer.MAX_VALUE;

    private ShutdownNotice(Http2Channel channel) {
        super(channel);
    }

    /**
     * Queues the notice on channel, unless the channel is closed or either side has sent GOAWAY
     * already. Call it on the channel's I/O thread.
     */
    public static void send(Http2Channel channel) throws IOException {
        if (!channel.isOpen() || channel.isThisGoneAway() || channel.isPeerGoneAway()) {
            return;
        }
        ShutdownNotice notice = new ShutdownNotice(channel);
        notice.shutdownWrites();
        if (!notice.flush()) {
            notice.getWriteSetter().set(ChannelListeners.flushingChannelListener(null, null));
            notice.resumeWrites();
        }
    }

    @Override
    protected SendFrameHeader createFrameHeader() {
        ByteBuffer frame = ByteBuffer.allocate(17);
        Http2ProtocolUtils.putInt(frame, Http2GoAwayStreamSinkChannel.HEADER_FIRST_LINE); // length 8, type GOAWAY
        frame.put((byte) 0); // flags
        Http2ProtocolUtils.putInt(frame, 0); // stream 0: the connection
        Http2ProtocolUtils.putInt(frame, LAST_STREAM_ID);
        Http2ProtocolUtils.putInt(frame, Http2Channel.ERROR_NO_ERROR);
        frame.flip();
        return new SendFrameHeader(new ImmediatePooledByteBuffer(frame));
    }
}
