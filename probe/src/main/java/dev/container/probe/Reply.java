package dev.container.probe;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP/1.x response as read off the wire: status, headers (lower-case names, first value
 * wins), and the body with its transfer coding removed.
 */
public record Reply(int status, Map<String, String> headers, String body) {
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * Every complete response in bytes, in order; 1xx interim responses included. Stops at the
     * first incomplete or unparsable one (a response that the server cut short is not counted).
     *
     * @param head true when the request was HEAD (no body follows any of the responses)
     */
    public static List<Reply> parseAll(byte[] bytes, boolean head, boolean closed) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        List<Reply> replies = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int end = text.indexOf("\r\n\r\n", at);
            if (end < 0 || !text.startsWith("HTTP/1.", at) || end - at < 12) {
                break;
            }
            String[] lines = text.substring(at, end).split("\r\n");
            int status;
            try {
                status = Integer.parseInt(lines[0].substring(9, 12));
            } catch (RuntimeException e) {
                break;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
            }
            int bodyStart = end + 4;
            String body;
            int next;
            boolean noBody = head || status / 100 == 1 || status == 204 || status == 304;
            String length = headers.get("content-length");
            String coding = headers.get("transfer-encoding");
            if (noBody) {
                body = "";
                next = bodyStart;
            } else if (coding != null && coding.toLowerCase(Locale.ROOT).contains("chunked")) {
                StringBuilder decoded = new StringBuilder();
                int p = bodyStart;
                boolean complete = false;
                while (true) {
                    int lineEnd = text.indexOf("\r\n", p);
                    if (lineEnd < 0) {
                        break;
                    }
                    String size = text.substring(p, lineEnd);
                    int semi = size.indexOf(';');
                    int n;
                    try {
                        n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                    } catch (NumberFormatException e) {
                        break;
                    }
                    p = lineEnd + 2;
                    if (n == 0) {
                        int trailerEnd = text.indexOf("\r\n", p);
                        while (trailerEnd > p) { // trailer fields, if any
                            p = trailerEnd + 2;
                            trailerEnd = text.indexOf("\r\n", p);
                        }
                        if (trailerEnd == p) {
                            p += 2;
                            complete = true;
                        }
                        break;
                    }
                    if (p + n + 2 > text.length()) {
                        break;
                    }
                    decoded.append(text, p, p + n);
                    p += n + 2;
                }
                if (!complete) {
                    break;
                }
                body = decoded.toString();
                next = p;
            } else if (length != null) {
                int n;
                try {
                    n = Integer.parseInt(length.trim());
                } catch (NumberFormatException e) {
                    break;
                }
                if (bodyStart + n > text.length()) {
                    break;
                }
                body = text.substring(bodyStart, bodyStart + n);
                next = bodyStart + n;
            } else {
                if (!closed) {
                    break; // delimited by the close, which has not come
                }
                body = text.substring(bodyStart);
                next = text.length();
            }
            replies.add(new Reply(status, headers, body));
            at = next;
        }
        return replies;
    }

    @Override
    public String toString() {
        return Integer.toString(status);
    }
}
