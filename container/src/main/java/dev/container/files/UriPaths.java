package dev.container.files;

import java.nio.charset.StandardCharsets;

/** Percent-encodes decoded paths for Location headers and links (RFC 3986 §3.3). Pure. */
final class UriPaths {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UriPaths() {
    }

    /** The path with every byte outside pchar and "/" percent-encoded as UTF-8. */
    static String encode(String decodedPath) {
        StringBuilder out = new StringBuilder(decodedPath.length() + 16);
        for (byte b : decodedPath.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (isPathChar(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    /** unreserved, sub-delims, ":", "@" and "/"; "'" is encoded too so links can sit in quoted HTML. */
    private static boolean isPathChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&()*+,;=:@/".indexOf(c) >= 0;
    }
}
