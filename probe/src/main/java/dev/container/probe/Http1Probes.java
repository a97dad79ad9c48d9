package dev.container.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * HTTP/1.1 framing, header syntax and limits (RFC 9112, RFC 9110): each malformed shape must be
 * refused with 400 (501 for a transfer coding the server does not know, 414/431/413 for limits)
 * and the connection closed, never a second request read out of the first. Every probe runs on
 * the plain listener ({@code h1.}) and on the TLS one ({@code h1s.}), whichever the target has.
 */
final class Http1Probes {
    /** A request hidden in a body: served, it shows as a second response. */
    static final String SMUGGLED = "GET /probe-smuggled HTTP/1.1\r\nHost: probe\r\n\r\n";

    private Http1Probes() {
    }

    static List<Probe> all() {
        List<Probe> probes = new ArrayList<>();
        // Framing: Content-Length and Transfer-Encoding (RFC 9112 section 6)
        rejected(probes, "cl-and-te", "Content-Length and Transfer-Encoding: chunked together, a request after the chunked body",
                t -> post(t, "Content-Length: 4", "Transfer-Encoding: chunked") + "0\r\n\r\n" + SMUGGLED, 400);
        rejected(probes, "cl-twice", "two different Content-Length headers",
                t -> post(t, "Content-Length: 5", "Content-Length: 6") + "hello!", 400);
        rejected(probes, "cl-list", "Content-Length: 5, 6",
                t -> post(t, "Content-Length: 5, 6") + "hello!", 400);
        rejected(probes, "cl-sign", "Content-Length: +5",
                t -> post(t, "Content-Length: +5") + "hello", 400);
        rejected(probes, "cl-junk", "Content-Length: 5x",
                t -> post(t, "Content-Length: 5x") + "hello", 400);
        rejected(probes, "te-xchunked", "Transfer-Encoding: xchunked, a request in the chunked body",
                t -> post(t, "Transfer-Encoding: xchunked") + chunked(SMUGGLED), 400, 501);
        rejected(probes, "te-chunked-identity", "Transfer-Encoding: chunked, identity (chunked not last)",
                t -> post(t, "Transfer-Encoding: chunked, identity") + chunked(SMUGGLED), 400, 501);
        rejected(probes, "te-identity", "Transfer-Encoding: identity (no longer a coding) with a body",
                t -> post(t, "Transfer-Encoding: identity", "Content-Length: 5") + "hello", 400, 501);
        rejected(probes, "te-twice", "Transfer-Encoding: chunked on two header lines",
                t -> post(t, "Transfer-Encoding: chunked", "Transfer-Encoding: chunked") + "0\r\n\r\n" + SMUGGLED, 400, 501);
        rejected(probes, "te-obs-fold", "Transfer-Encoding folded onto a second line (obs-fold)",
                t -> post(t, "Transfer-Encoding:\r\n chunked") + "0\r\n\r\n" + SMUGGLED, 400);
        rejected(probes, "te-http10", "Transfer-Encoding: chunked in an HTTP/1.0 request",
                t -> "POST " + t.sink() + " HTTP/1.0\r\nHost: " + t.host() + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
        rejected(probes, "te-space-before-colon", "Transfer-Encoding : chunked (space before the colon)",
                t -> post(t, "Transfer-Encoding : chunked") + "0\r\n\r\n" + SMUGGLED, 400);
        // Chunk sizes (RFC 9112 section 7.1)
        rejected(probes, "chunk-overflow", "a chunk size of 2^72",
                t -> post(t, "Transfer-Encoding: chunked") + "1000000000000000000\r\nhello\r\n0\r\n\r\n", 400, 413);
        rejected(probes, "chunk-sign", "a chunk size of -5",
                t -> post(t, "Transfer-Encoding: chunked") + "-5\r\nhello\r\n0\r\n\r\n", 400);
        rejected(probes, "chunk-junk", "junk after a chunk size (5zz)",
                t -> post(t, "Transfer-Encoding: chunked") + "5zz\r\nhello\r\n0\r\n\r\n", 400);
        rejected(probes, "chunk-no-crlf", "chunk data not followed by CRLF",
                t -> post(t, "Transfer-Encoding: chunked") + "5\r\nhelloXX0\r\n\r\n", 400);
        rejected(probes, "chunk-bare-lf", "a chunk size line ending in a bare LF",
                t -> post(t, "Transfer-Encoding: chunked") + "5\nhello\r\n0\r\n\r\n", 400);
        rejected(probes, "chunk-empty-size", "an empty chunk size line",
                t -> post(t, "Transfer-Encoding: chunked") + "\r\nhello\r\n0\r\n\r\n", 400);
        // Line endings and header syntax (RFC 9112 sections 2.2, 5; RFC 9110 section 5.5)
        rejected(probes, "bare-lf", "request and header lines ending in bare LF",
                t -> "GET " + t.file() + " HTTP/1.1\nHost: " + t.host() + "\n\n", 400);
        rejected(probes, "bare-cr", "a bare CR in the header block",
                t -> "GET " + t.file() + " HTTP/1.1\r\nHost: " + t.host() + "\rX-Probe: 1\r\n\r\n", 400);
        rejected(probes, "space-before-colon", "X-Probe : 1 (space before the colon)",
                t -> get(t, "X-Probe : 1"), 400);
        rejected(probes, "nul-in-value", "a NUL byte in a header value",
                t -> get(t, "X-Probe: a\0b"), 400);
        rejected(probes, "cr-in-value", "a CR inside a header value",
                t -> get(t, "X-Probe: a\rb"), 400);
        rejected(probes, "obs-fold", "a header value folded onto a second line",
                t -> get(t, "X-Probe: a\r\n b"), 400);
        rejected(probes, "bad-name", "a header name with a space",
                t -> get(t, "X Probe: 1"), 400);
        rejected(probes, "bad-name-char", "a header name with a parenthesis",
                t -> get(t, "X-Pr(obe: 1"), 400);
        rejected(probes, "empty-name", "a header line starting with a colon",
                t -> get(t, ": 1"), 400);
        rejected(probes, "high-byte-name", "a header name with a byte above 0x7f",
                t -> get(t, "X-Pr\u00e9be: 1"), 400);
        rejected(probes, "space-in-target", "a space inside the request target",
                t -> "GET /a b HTTP/1.1\r\nHost: " + t.host() + "\r\n\r\n", 400);
        rejected(probes, "bad-version", "HTTP/1.x with a malformed version (HTTP/1.1x)",
                t -> "GET " + t.file() + " HTTP/1.1x\r\nHost: " + t.host() + "\r\n\r\n", 400, 505);
        // Hosts (RFC 9112 section 3.2)
        rejected(probes, "host-missing", "HTTP/1.1 without Host",
                t -> "GET " + t.file() + " HTTP/1.1\r\n\r\n", 400);
        rejected(probes, "host-twice", "two Host headers",
                t -> "GET " + t.file() + " HTTP/1.1\r\nHost: " + t.host() + "\r\nHost: other.example\r\n\r\n", 400);
        rejected(probes, "host-bad", "a Host header with a slash and a space",
                t -> "GET " + t.file() + " HTTP/1.1\r\nHost: a/b c\r\n\r\n", 400);
        // Limits
        rejected(probes, "long-target", "a 64 KiB request target",
                t -> "GET " + t.file() + "?" + "a".repeat(64 * 1024) + " HTTP/1.1\r\nHost: " + t.host() + "\r\n\r\n", 414);
        rejected(probes, "large-header", "a header block of 2 MiB",
                t -> get(t, largeHeaders(2 * 1024 * 1024)), 431, 400);
        rejected(probes, "many-headers", "1000 small headers",
                t -> get(t, manyHeaders(1000)), 431, 400);
        both(probes, "body-over-limit", "Content-Length of 4 GiB, sent without the body: refused before it is read",
                (t, e) -> {
                    Exchange x = Exchange.run(t, e, post(t, "Content-Length: 4294967296"));
                    boolean ok = x.finals().size() == 1 && x.finals().get(0).status() == 413;
                    return Outcome.of(ok, x.describe() + (ok ? "" : " (expected 413 before the body)"));
                });
        // Requests that must work (the guard must not refuse what is valid)
        both(probes, "pipelined", "two valid requests in one write get two answers, in order",
                (t, e) -> {
                    String one = "GET " + t.file() + " HTTP/1.1\r\nHost: " + t.host() + "\r\n\r\n";
                    Exchange x = Exchange.run(t, e, one + one);
                    boolean ok = x.finals().size() == 2 && x.finals().stream().allMatch(r -> r.status() == 200);
                    return Outcome.of(ok, x.describe());
                });
        both(probes, "chunked-ok", "a valid chunked body with an extension and a trailer is read",
                (t, e) -> {
                    Exchange x = Exchange.run(t, e, post(t, "Transfer-Encoding: chunked")
                            + "5;name=\"v\"\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n");
                    boolean ok = !x.finals().isEmpty() && x.finals().get(0).status() / 100 == 2;
                    return Outcome.of(ok, x.describe());
                });
        both(probes, "expect-continue", "Expect: 100-continue gets 100 and then the answer, or the answer at once",
                (t, e) -> {
                    try (Wire wire = Wire.open(t, e, "http/1.1")) {
                        wire.send(post(t, "Content-Length: 5", "Expect: 100-continue"));
                        byte[] interim = wire.readSome(4096, java.time.Duration.ofSeconds(3));
                        String first = new String(interim, java.nio.charset.StandardCharsets.ISO_8859_1);
                        if (!first.startsWith("HTTP/1.1 100")) {
                            // the server answered without reading the body (RFC 9110 section 10.1.1 allows it)
                            var replies = Reply.parseAll(interim, false, false);
                            boolean ok = !replies.isEmpty() && replies.get(0).status() / 100 == 2;
                            return Outcome.of(ok, "answered at once: " + (replies.isEmpty() ? "nothing" : replies.get(0)));
                        }
                        wire.send("hello");
                        Exchange x = Exchange.read(wire, false);
                        boolean ok = !x.finals().isEmpty() && x.finals().get(0).status() / 100 == 2;
                        return Outcome.of(ok, "100, " + x.describe());
                    }
                });
        return probes;
    }

    /** A POST to the sink with the given header lines, up to and including the blank line. */
    static String post(Target t, String... headers) {
        return "POST " + t.sink() + " HTTP/1.1\r\nHost: " + t.host() + "\r\n" + lines(headers) + "\r\n";
    }

    /** A GET of the static file with the given header lines, complete. */
    static String get(Target t, String... headers) {
        return "GET " + t.file() + " HTTP/1.1\r\nHost: " + t.host() + "\r\n" + lines(headers) + "\r\n";
    }

    private static String lines(String... headers) {
        StringBuilder text = new StringBuilder();
        for (String header : headers) {
            text.append(header).append("\r\n");
        }
        return text.toString();
    }

    /** text as one chunk and the last chunk. */
    static String chunked(String text) {
        return Integer.toHexString(text.length()) + "\r\n" + text + "\r\n0\r\n\r\n";
    }

    private static String largeHeaders(int bytes) {
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (text.length() < bytes) {
            if (i > 0) {
                text.append("\r\n");
            }
            text.append("X-Large-").append(i++).append(": ").append("v".repeat(4000));
        }
        return text.toString();
    }

    private static String manyHeaders(int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                text.append("\r\n");
            }
            text.append("X-Many-").append(i).append(": ").append(i);
        }
        return text.toString();
    }

    /** A probe over each HTTP/1.1 listener: the request must be refused with one of statuses, then closed. */
    private static void rejected(List<Probe> probes, String shape, String what, Function<Target, String> request, int... statuses) {
        both(probes, shape, what, (t, e) -> Exchange.run(t, e, request.apply(t)).expectRejected(statuses));
    }

    /** The same probe as h1.SHAPE on the plain listener and h1s.SHAPE on the TLS one. */
    private static void both(List<Probe> probes, String shape, String what, EndpointCheck check) {
        probes.add(new Probe("h1." + shape, what, t -> on(t, t.http(), check)));
        probes.add(new Probe("h1s." + shape, what + " (over TLS)", t -> on(t, t.https(), check)));
    }

    private static Outcome on(Target t, Optional<Endpoint> endpoint, EndpointCheck check) throws Exception {
        if (endpoint.isEmpty()) {
            return Outcome.skip("no such listener given");
        }
        return check.apply(t, endpoint.get());
    }

    /** A check against one endpoint. */
    @FunctionalInterface
    interface EndpointCheck {
        Outcome apply(Target target, Endpoint endpoint) throws Exception;
    }
}
