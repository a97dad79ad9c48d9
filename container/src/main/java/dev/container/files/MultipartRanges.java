package dev.container.files;

import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends a 206 multipart/byteranges body (RFC 9110 §14.6): each part's header, then its bytes
 * straight from the file, one asynchronous send after another, so nothing is buffered whole.
 * Content-Length is known up front. Single use, driven by Undertow's callbacks.
 */
final class MultipartRanges implements IoCallback {
    private final FileContent content;
    private final List<ByteRanges.Range> ranges;
    private final byte[][] partHeaders;
    private final byte[] closing;
    private final String contentTypeHeader;
    private int next;
    private boolean headerSent;

    private MultipartRanges(FileContent content, List<ByteRanges.Range> ranges, long completeLength, String contentType) {
        // random per response, so it cannot be predicted and planted in a file's bytes
        String boundary = Long.toHexString(ThreadLocalRandom.current().nextLong())
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
        this.content = content;
        this.ranges = ranges;
        this.partHeaders = new byte[ranges.size()][];
        for (int i = 0; i < ranges.size(); i++) {
            partHeaders[i] = ("\r\n--" + boundary + "\r\nContent-Type: " + contentType + "\r\nContent-Range: "
                    + ranges.get(i).contentRange(completeLength) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        }
        this.closing = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        this.contentTypeHeader = "multipart/byteranges; boundary=" + boundary;
    }

    /** Sets the 206 status and headers and starts sending; ends the exchange when done. */
    static void send(HttpServerExchange exchange, FileContent content, List<ByteRanges.Range> ranges,
                     long completeLength, String contentType) {
        MultipartRanges body = new MultipartRanges(content, ranges, completeLength, contentType);
        exchange.setStatusCode(StatusCodes.PARTIAL_CONTENT);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, body.contentTypeHeader);
        exchange.setResponseContentLength(body.length());
        body.onComplete(exchange, exchange.getResponseSender());
    }

    private long length() {
        long length = closing.length;
        for (int i = 0; i < ranges.size(); i++) {
            length += partHeaders[i].length + ranges.get(i).length();
        }
        return length;
    }

    @Override
    public void onComplete(HttpServerExchange exchange, Sender sender) {
        if (next == ranges.size()) {
            sender.send(ByteBuffer.wrap(closing), IoCallback.END_EXCHANGE);
        } else if (!headerSent) {
            headerSent = true;
            sender.send(ByteBuffer.wrap(partHeaders[next]), this);
        } else {
            headerSent = false;
            content.sendRange(exchange, ranges.get(next++), this);
        }
    }

    @Override
    public void onException(HttpServerExchange exchange, Sender sender, IOException exception) {
        IoCallback.END_EXCHANGE.onException(exchange, sender, exception);
    }
}
