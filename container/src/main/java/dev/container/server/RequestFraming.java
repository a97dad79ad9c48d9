package dev.container.server;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * A strict reader of HTTP/1.1 request framing (RFC 9112): request lines, header fields, message
 * body lengths and chunked bodies, byte by byte, as they arrive. It decides where each request's
 * head ends and its body ends, and refuses what RFC 9112 says a server must refuse, or what a
 * lenient parser could read two ways: bare CR or LF line endings, whitespace before a colon,
 * obs-fold, control characters in values, Transfer-Encoding other than a final {@code chunked},
 * Content-Length with Transfer-Encoding or twice, junk in chunk sizes, and the size limits.
 *
 * <p>It only reads; what it does not refuse is parsed again by Undertow, which therefore never sees
 * a request that RFC 9112 calls malformed. One instance per connection, used by one thread at a
 * time (the connection's I/O thread or the worker reading the body).
 */
final class RequestFraming {
    /** Why a request was refused: the status to answer and a few words for the debug log. */
    record Failure(int status, String reason, boolean inHead) {
    }

    // Head states
    private static final int LINE_START = 0;
    private static final int METHOD = 2;
    private static final int TARGET = 3;
    private static final int VERSION = 4;
    private static final int REQUEST_LINE_LF = 5;
    private static final int FIELD_START = 6;
    private static final int NAME = 7;
    private static final int VALUE = 8;
    private static final int FIELD_LF = 9;
    private static final int HEAD_END_LF = 10;
    // Body states
    private static final int FIXED = 20;
    private static final int CHUNK_SIZE = 21;
    private static final int CHUNK_SIZE_BWS = 22;
    private static final int CHUNK_EXT = 23;
    private static final int CHUNK_SIZE_LF = 24;
    private static final int CHUNK_DATA = 25;
    private static final int CHUNK_DATA_CR = 26;
    private static final int CHUNK_DATA_LF = 27;
    private static final int TRAILER_START = 28;
    private static final int TRAILER_NAME = 29;
    private static final int TRAILER_VALUE = 30;
    private static final int TRAILER_LF = 31;
    private static final int TRAILER_END_LF = 32;
    // Terminal states
    /** An upgrade request's head and body were read: what follows may not be HTTP/1.1 at all. */
    static final int AWAIT_UPGRADE = 40;
    /** No longer HTTP/1.1 (HTTP/2 by prior knowledge, or an accepted upgrade): not read any more. */
    static final int PASSTHROUGH = 41;
    static final int FAILED = 42;

    /** Character classes, per RFC 9110 section 5.6.2 (tchar) and 5.5 (field-vchar). */
    private static final byte TCHAR = 1;
    private static final byte VCHAR = 2;
    private static final byte HEX = 4;
    /** field-vchar, SP or HTAB: what a field value may hold. */
    private static final byte VALUE_CHAR = 8;
    private static final byte[] CLASS = new byte[256];

    static {
        for (int c = 0x21; c <= 0x7e; c++) {
            CLASS[c] |= VCHAR;
        }
        for (int c = 0x80; c <= 0xff; c++) {
            CLASS[c] |= VCHAR; // obs-text: allowed in values, not in names
        }
        for (int c = 0; c < 256; c++) {
            if ((CLASS[c] & VCHAR) != 0 || c == ' ' || c == '\t') {
                CLASS[c] |= VALUE_CHAR;
            }
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            CLASS[c] |= TCHAR;
        }
        for (char c = '0'; c <= '9'; c++) {
            CLASS[c] |= TCHAR | HEX;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            CLASS[c] |= TCHAR;
            CLASS[c - 32] |= TCHAR;
        }
        for (char c = 'a'; c <= 'f'; c++) {
            CLASS[c] |= HEX;
            CLASS[c - 32] |= HEX;
        }
    }

    /** The longest method, name or value prefix we keep (longer ones are not ones we look at). */
    private static final int KEEP = 24;
    private static final int MAX_HOST = 1024;
    private static final int MAX_CHUNK_LINE = 4096;
    private static final int MAX_SIZE_DIGITS = 15; // 15 hex digits: 2^60, far over any limit, no overflow

    private final int maxRequestLine;
    private final int maxHeaderSize;
    private final int maxHeaders;
    private final long maxBody;

    private int state = LINE_START;
    private Failure failure;

    // The head being read
    private long heads;
    private int headBytes;
    private int requestLine;
    private int fields;
    /** The head's text we keep while a head is read; null between heads (see {@link Text}). */
    private Text text;
    private boolean originForm;
    private int nameLength;
    /** The buffer being scanned, and where in it the current head starts: a head's bytes are all in it. */
    private ByteBuffer scanning;
    private int scanningHead;
    /** The field whose value is being kept: 0 none, else one of the constants below. */
    private int keeping;
    private boolean valueStarted;
    private int hosts;
    private String host = "";
    private int contentLengths;
    private String contentLength = "";
    private int transferEncodings;
    private boolean upgrade;

    private static final int HOST = 1;
    private static final int CONTENT_LENGTH = 2;
    private static final int TRANSFER_ENCODING = 3;
    private static final int UPGRADE = 4;

    // The body being read
    private long remaining;
    private int sizeDigits;
    private int chunkLine;
    private long bodyBytes;
    private int trailerBytes;
    private boolean upgradeAfterBody;

    /**
     * @param maxBody the most body bytes a request may have, or a negative number for no limit
     */
    RequestFraming(int maxRequestLine, int maxHeaderSize, int maxHeaders, long maxBody) {
        this.maxRequestLine = maxRequestLine;
        this.maxHeaderSize = maxHeaderSize;
        this.maxHeaders = maxHeaders;
        this.maxBody = maxBody;
    }

    int state() {
        return state;
    }

    /** Why the last scan failed, or null. */
    Failure failure() {
        return failure;
    }

    /** Bytes of the current, unfinished head that were read (they precede the next byte). */
    int headBytes() {
        return inHead() ? headBytes : 0;
    }

    /** How many request heads were started on this connection: tells one unfinished head from the next. */
    long heads() {
        return heads;
    }

    /** Whether it holds a head's text now: only while a head is being read. */
    boolean holdsText() {
        return text != null;
    }

    boolean inHead() {
        return state < FIXED;
    }

    /** The connection was upgraded (101): stop reading it as HTTP/1.1. */
    void upgraded() {
        state = PASSTHROUGH;
    }

    /** The upgrade request was answered without an upgrade: the next bytes are a request again. */
    void notUpgraded() {
        if (state == AWAIT_UPGRADE) {
            state = LINE_START;
        }
    }

    /**
     * Reads buf[from, to). Returns the index up to which the bytes belong to complete request
     * heads or to bodies (Undertow may have them); the bytes after it, if any, are the start of a
     * head that has not ended yet. A head that began in an earlier scan must be in buf just before
     * from ({@link #headBytes()} of them), so the index returned may be before from.
     *
     * <p>Stops early at a failure ({@link #failure()}): for one in a head, the index returned is
     * where that head starts, so that what precedes it may be delivered; for one in a body, the
     * bad byte. Stops too when the connection is done with HTTP/1.1 ({@link #AWAIT_UPGRADE},
     * {@link #PASSTHROUGH}), returning where the rest starts, which it did not read.
     */
    int scan(ByteBuffer buf, int from, int to) {
        // where the head being read starts; before from when it started in an earlier scan
        // (the caller keeps a head's bytes together, so they are the headBytes before from)
        int headStart = inHead() && headBytes > 0 ? from - headBytes : -1;
        scanning = buf;
        int i = from;
        while (i < to) {
            if (state == FIXED || state == CHUNK_DATA) {
                long take = Math.min(remaining, to - i);
                i += (int) take;
                remaining -= take;
                if (remaining == 0) {
                    if (state == FIXED) {
                        endOfMessage();
                    } else {
                        state = CHUNK_DATA_CR;
                    }
                }
                continue;
            }
            if (state >= AWAIT_UPGRADE) {
                break;
            }
            if (state == LINE_START && headBytes == 0) {
                headStart = i;
            }
            scanningHead = headStart;
            // Runs of ordinary bytes in the states most bytes of a head are in, without a step per byte
            int run = switch (state) {
                case TARGET -> originForm ? run(buf, i, to, VCHAR) : 0;
                case NAME -> run(buf, i, to, TCHAR);
                case VALUE -> keeping == 0 ? run(buf, i, to, VALUE_CHAR) : 0;
                default -> 0;
            };
            if (run > 0) {
                if (!advance(run)) {
                    return headStart;
                }
                i += run;
                continue;
            }
            if (!step(buf.get(i) & 0xff)) {
                return failure.inHead() ? headStart : i;
            }
            i++;
            if (headBytes() == 0) {
                headStart = -1; // the head ended (a body or the next request follows), or none began
            }
        }
        scanning = null;
        return headStart >= 0 ? headStart : i;
    }

    /** How many bytes from i on are of the class (the ordinary bytes of the state). */
    private static int run(ByteBuffer buf, int i, int to, byte kind) {
        int j = i;
        while (j < to && (CLASS[buf.get(j) & 0xff] & kind) != 0) {
            j++;
        }
        return j - i;
    }

    /** Counts a run of ordinary head bytes against the limits; false (failed) when over one. */
    private boolean advance(int run) {
        if (state == TARGET && (requestLine += run) > maxRequestLine) {
            return fail(414, "request line over " + maxRequestLine + " bytes", true);
        }
        if (state == NAME) {
            nameLength += run;
        }
        if ((headBytes += run) > maxHeaderSize) {
            return fail(431, "request head over " + maxHeaderSize + " bytes", true);
        }
        return true;
    }

    /** One byte; false (with {@link #failure} set) when it breaks the rules. */
    private boolean step(int c) {
        if (inHead()) {
            if (++headBytes > maxHeaderSize) {
                return fail(431, "request head over " + maxHeaderSize + " bytes", true);
            }
        } else if (state >= TRAILER_START && ++trailerBytes > maxHeaderSize) {
            return fail(400, "trailer over " + maxHeaderSize + " bytes", false);
        }
        switch (state) {
            case LINE_START -> {
                // RFC 9112 section 2.2 says a server SHOULD ignore an empty line before a request;
                // Undertow's parser refuses one, and so do we rather than cut bytes out of its buffer
                if (tchar(c)) {
                    startHead();
                    keep(text.method, c);
                    state = METHOD;
                } else {
                    return fail(400, "request line does not start with a method", true);
                }
            }
            case METHOD -> {
                requestLine++;
                if (c == ' ') {
                    state = TARGET;
                } else if (tchar(c)) {
                    keep(text.method, c);
                } else {
                    return fail(400, "bad character in the method", true);
                }
            }
            case TARGET -> {
                if (++requestLine > maxRequestLine) {
                    return fail(414, "request line over " + maxRequestLine + " bytes", true);
                }
                if (c == ' ') {
                    if (text.target.length() == 0 && !originForm) {
                        return fail(400, "empty request target", true);
                    }
                    state = VERSION;
                } else if ((CLASS[c] & VCHAR) != 0) {
                    if (text.target.length() == 0 && !originForm) {
                        originForm = c == '/';
                    }
                    if (!originForm && text.target.length() < 2 * MAX_HOST) {
                        text.target.append((char) c);
                    }
                } else {
                    return fail(400, "bad character in the request target", true);
                }
            }
            case VERSION -> {
                if (++requestLine > maxRequestLine) {
                    return fail(414, "request line over " + maxRequestLine + " bytes", true);
                }
                if (c == '\r') {
                    state = REQUEST_LINE_LF;
                } else if (text.version.length() < 8 && c > 0x20 && c < 0x7f) {
                    text.version.append((char) c);
                } else {
                    return fail(400, "malformed HTTP version", true);
                }
            }
            case REQUEST_LINE_LF -> {
                if (c != '\n') {
                    return fail(400, "bare CR in the request line", true);
                }
                if (!checkVersion()) {
                    return false;
                }
                state = FIELD_START;
            }
            case FIELD_START, TRAILER_START -> {
                boolean trailer = state == TRAILER_START;
                if (c == '\r') {
                    state = trailer ? TRAILER_END_LF : HEAD_END_LF;
                } else if (tchar(c)) {
                    if (++fields > maxHeaders) {
                        return fail(431, "more than " + maxHeaders + " header fields", !trailer);
                    }
                    nameLength = 1;
                    state = trailer ? TRAILER_NAME : NAME;
                } else if (c == ' ' || c == '\t') {
                    return fail(400, "obsolete line folding", !trailer);
                } else if (c == '\n') {
                    return fail(400, "bare LF line ending", !trailer);
                } else {
                    return fail(400, "bad character at the start of a header field", !trailer);
                }
            }
            case NAME, TRAILER_NAME -> {
                boolean trailer = state == TRAILER_NAME;
                if (c == ':') {
                    keeping = trailer ? 0 : interesting();
                    if (!trailer) {
                        text.value.setLength(0); // a trailer's value is never kept
                    }
                    valueStarted = false;
                    state = trailer ? TRAILER_VALUE : VALUE;
                } else if (tchar(c)) {
                    nameLength++;
                } else if (c == ' ' || c == '\t') {
                    return fail(400, "whitespace between a header name and its colon", !trailer);
                } else {
                    return fail(400, "bad character in a header name", !trailer);
                }
            }
            case VALUE, TRAILER_VALUE -> {
                boolean trailer = state == TRAILER_VALUE;
                if (c == '\r') {
                    state = trailer ? TRAILER_LF : FIELD_LF;
                } else if (c == '\n') {
                    return fail(400, "bare LF line ending", !trailer);
                } else if (c == ' ' || c == '\t' || (CLASS[c] & VCHAR) != 0) {
                    if (keeping != 0) {
                        if (!valueStarted && (c == ' ' || c == '\t')) {
                            break; // leading OWS
                        }
                        valueStarted = true;
                        if (text.value.length() <= MAX_HOST) {
                            text.value.append((char) c);
                        }
                    }
                } else {
                    return fail(400, "control character in a header value", !trailer);
                }
            }
            case FIELD_LF, TRAILER_LF -> {
                boolean trailer = state == TRAILER_LF;
                if (c != '\n') {
                    return fail(400, "bare CR in a header field", !trailer);
                }
                if (!trailer && keeping != 0 && !field()) {
                    return false;
                }
                state = trailer ? TRAILER_START : FIELD_START;
            }
            case HEAD_END_LF -> {
                if (c != '\n') {
                    return fail(400, "bare CR at the end of the head", true);
                }
                boolean ok = endOfHead();
                // an idle keep-alive connection keeps no builders: the next head takes the thread's
                Text done = text;
                text = null;
                done.give();
                return ok;
            }
            case CHUNK_SIZE -> {
                if ((CLASS[c] & HEX) != 0) {
                    if (++sizeDigits > MAX_SIZE_DIGITS) {
                        return fail(400, "chunk size too large", false);
                    }
                    remaining = remaining << 4 | Character.digit(c, 16);
                } else if (sizeDigits == 0) {
                    return fail(400, "chunk size missing", false);
                } else if (c == ';') {
                    state = CHUNK_EXT;
                } else if (c == ' ' || c == '\t') {
                    state = CHUNK_SIZE_BWS;
                } else if (c == '\r') {
                    state = CHUNK_SIZE_LF;
                } else {
                    return fail(400, "junk after a chunk size", false);
                }
                if (++chunkLine > MAX_CHUNK_LINE) {
                    return fail(400, "chunk size line too long", false);
                }
            }
            case CHUNK_SIZE_BWS -> {
                if (c == ';') {
                    state = CHUNK_EXT;
                } else if (c != ' ' && c != '\t') {
                    return fail(400, "junk after a chunk size", false);
                }
                if (++chunkLine > MAX_CHUNK_LINE) {
                    return fail(400, "chunk size line too long", false);
                }
            }
            case CHUNK_EXT -> {
                if (c == '\r') {
                    state = CHUNK_SIZE_LF;
                } else if (c != ' ' && c != '\t' && (CLASS[c] & VCHAR) == 0) {
                    return fail(400, "bad character in a chunk extension", false);
                }
                if (++chunkLine > MAX_CHUNK_LINE) {
                    return fail(400, "chunk extension too long", false);
                }
            }
            case CHUNK_SIZE_LF -> {
                if (c != '\n') {
                    return fail(400, "bare CR after a chunk size", false);
                }
                if (remaining == 0) {
                    fields = 0;
                    trailerBytes = 0;
                    state = TRAILER_START;
                } else {
                    bodyBytes += remaining;
                    if (maxBody >= 0 && bodyBytes > maxBody) {
                        return fail(413, "chunked body over " + maxBody + " bytes", false);
                    }
                    state = CHUNK_DATA;
                }
            }
            case CHUNK_DATA_CR -> {
                if (c != '\r') {
                    return fail(400, "chunk data longer than its size", false);
                }
                state = CHUNK_DATA_LF;
            }
            case CHUNK_DATA_LF -> {
                if (c != '\n') {
                    return fail(400, "bare CR after chunk data", false);
                }
                startChunk();
            }
            case TRAILER_END_LF -> {
                if (c != '\n') {
                    return fail(400, "bare CR at the end of the trailer", false);
                }
                endOfMessage();
            }
            default -> throw new IllegalStateException("state " + state);
        }
        return true;
    }

    private static boolean tchar(int c) {
        return (CLASS[c] & TCHAR) != 0;
    }

    private void startHead() {
        heads++;
        requestLine = 1;
        fields = 0;
        if (text == null) {
            text = Text.take();
        }
        text.method.setLength(0);
        text.target.setLength(0);
        originForm = false;
        text.version.setLength(0);
        hosts = 0;
        host = "";
        contentLengths = 0;
        contentLength = "";
        text.transferEncoding.setLength(0);
        transferEncodings = 0;
        upgrade = false;
        bodyBytes = 0;
    }

    private static void keep(StringBuilder into, int c) {
        if (into.length() < KEEP) {
            into.append((char) c);
        }
    }

    /** Which of the fields we read this one is, by its (case-insensitive) name. */
    private int interesting() {
        return switch (nameLength) {
            case 4 -> named("host") ? HOST : 0;
            case 7 -> named("upgrade") ? UPGRADE : 0;
            case 14 -> named("content-length") ? CONTENT_LENGTH : 0;
            case 17 -> named("transfer-encoding") ? TRANSFER_ENCODING : 0;
            default -> 0;
        };
    }

    /** Whether the name just read (the nameLength bytes before the colon) is lowerCase, in any case. */
    private boolean named(String lowerCase) {
        int start = scanningHead + headBytes - 1 - nameLength; // headBytes counts the colon
        for (int i = 0; i < lowerCase.length(); i++) {
            int c = scanning.get(start + i) & 0xff;
            if ((c | 0x20) != lowerCase.charAt(i) && c != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A field we read ended: note its value. */
    private boolean field() {
        String v = strip(text.value);
        switch (keeping) {
            case HOST -> {
                hosts++;
                if (text.value.length() > MAX_HOST || !validHost(v)) {
                    return fail(400, "malformed Host header", true);
                }
                host = v;
            }
            case CONTENT_LENGTH -> {
                contentLengths++;
                contentLength = v;
            }
            case TRANSFER_ENCODING -> {
                if (transferEncodings++ > 0) {
                    text.transferEncoding.append(',');
                }
                text.transferEncoding.append(v);
            }
            case UPGRADE -> upgrade = true;
            default -> {
            }
        }
        return true;
    }

    private static String strip(StringBuilder s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(0, end);
    }

    /** RFC 9110 section 7.2: uri-host [ ":" port ]; reg-name, IPv4 or an IP literal in brackets. */
    static boolean validHost(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "-._~!$&'()*+,;=:[]%".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private boolean checkVersion() {
        String v = text.version.toString();
        if (v.equals("HTTP/1.1") || v.equals("HTTP/1.0")) {
            return true;
        }
        if (v.length() == 8 && v.startsWith("HTTP/") && Character.isDigit(v.charAt(5)) && v.charAt(6) == '.'
                && Character.isDigit(v.charAt(7))) {
            // HTTP/2 by prior knowledge never gets here: PriorKnowledge took its preface
            return fail(505, "HTTP version " + v + " not supported", true);
        }
        return fail(400, "malformed HTTP version", true);
    }

    /** The head ended: check what the fields say together and find how long the body is. */
    private boolean endOfHead() {
        boolean http11 = text.version.charAt(7) == '1';
        if (http11 && hosts == 0) {
            return fail(400, "no Host header", true);
        }
        if (hosts > 1) {
            return fail(400, "more than one Host header", true);
        }
        if (!originForm && !checkTarget()) {
            return false;
        }
        if (transferEncodings > 0) {
            if (!http11) {
                return fail(400, "Transfer-Encoding in an HTTP/1.0 request", true);
            }
            if (contentLengths > 0) {
                return fail(400, "both Content-Length and Transfer-Encoding", true);
            }
            String[] codings = text.transferEncoding.toString().split(",");
            int chunked = 0;
            for (String coding : codings) {
                String c = coding.strip().toLowerCase(Locale.ROOT);
                if (c.isEmpty()) {
                    return fail(400, "empty transfer coding", true);
                }
                if (c.equals("chunked")) {
                    chunked++;
                } else {
                    return fail(501, "transfer coding '" + c + "' not implemented", true);
                }
            }
            if (chunked != 1 || !codings[codings.length - 1].strip().equalsIgnoreCase("chunked")) {
                return fail(400, "chunked is not the final transfer coding, once", true);
            }
            upgradeAfterBody = http11 && upgrade;
            bodyBytes = 0;
            startChunk();
            return true;
        }
        long length = 0;
        if (contentLengths > 1) {
            return fail(400, "more than one Content-Length", true);
        }
        if (contentLengths == 1) {
            if (contentLength.isEmpty() || contentLength.length() > 18 || !contentLength.chars().allMatch(Character::isDigit)) {
                return fail(400, "malformed Content-Length", true);
            }
            length = Long.parseLong(contentLength);
            if (maxBody >= 0 && length > maxBody) {
                return fail(413, "Content-Length " + length + " over the limit of " + maxBody, true);
            }
        }
        upgradeAfterBody = http11 && upgrade;
        if (length > 0) {
            remaining = length;
            state = FIXED;
        } else {
            endOfMessage();
        }
        return true;
    }

    /** Absolute-form must name the Host's host; asterisk-form is for OPTIONS; authority-form for CONNECT. */
    private boolean checkTarget() {
        String t = text.target.toString();
        String m = text.method.toString();
        if (t.equals("*")) {
            return m.equals("OPTIONS") || fail(400, "asterisk-form target with " + m, true);
        }
        int scheme = t.indexOf("://");
        if (scheme < 0) {
            return m.equals("CONNECT") || fail(400, "malformed request target", true);
        }
        int end = scheme + 3;
        while (end < t.length() && "/?#".indexOf(t.charAt(end)) < 0) {
            end++;
        }
        String authority = t.substring(scheme + 3, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            return fail(400, "user info in the request target", true);
        }
        // RFC 9112 section 3.2.2 says to use the target's host; two names for one request is
        // what host-confusion attacks send, and no browser or proxy does it, so refuse it
        if (!sameAuthority(t.substring(0, scheme).toLowerCase(Locale.ROOT), authority, host)) {
            return fail(400, "request target names another host than Host", true);
        }
        return true;
    }

    /** Whether two authorities name one host and port, a missing port being the scheme's default. */
    static boolean sameAuthority(String scheme, String a, String b) {
        String defaultPort = scheme.equals("https") ? "443" : "80";
        return withPort(a, defaultPort).equalsIgnoreCase(withPort(b, defaultPort));
    }

    private static String withPort(String authority, String defaultPort) {
        int bracket = authority.lastIndexOf(']');
        int colon = authority.lastIndexOf(':');
        if (colon > bracket && colon >= 0) {
            return colon == authority.length() - 1 ? authority + defaultPort : authority;
        }
        return authority + ":" + defaultPort;
    }

    private void startChunk() {
        remaining = 0;
        sizeDigits = 0;
        chunkLine = 0;
        state = CHUNK_SIZE;
    }

    private void endOfMessage() {
        state = upgradeAfterBody ? AWAIT_UPGRADE : LINE_START;
        upgradeAfterBody = false;
        headBytes = 0;
    }

    private boolean fail(int status, String reason, boolean inHead) {
        failure = new Failure(status, reason, inHead);
        state = FAILED;
        return false;
    }

    /**
     * The text of a head that the checks need: method, target when not origin-form, version, the
     * value of the field being kept, Transfer-Encoding. Held only while a head is being read; in
     * between, one waits per thread, so an idle keep-alive connection holds none (five builders,
     * about 280 bytes, times every idle connection) and a busy one allocates none per request.
     * A head read in several scans keeps its own across them, whichever threads they run on.
     */
    private static final class Text {
        private static final ThreadLocal<Text> SPARE = new ThreadLocal<>();
        final StringBuilder method = new StringBuilder(8);
        final StringBuilder target = new StringBuilder();
        final StringBuilder version = new StringBuilder(8);
        final StringBuilder value = new StringBuilder();
        final StringBuilder transferEncoding = new StringBuilder();

        /** The thread's spare, or a new one. */
        static Text take() {
            Text spare = SPARE.get();
            if (spare == null) {
                return new Text();
            }
            SPARE.set(null);
            return spare;
        }

        /** Done with it: the thread's spare, unless it has one. */
        void give() {
            if (SPARE.get() == null) {
                SPARE.set(this);
            }
        }
    }
}
