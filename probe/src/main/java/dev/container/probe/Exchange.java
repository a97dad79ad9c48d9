package dev.container.probe;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What one raw HTTP/1.x connection got back: the responses in order and whether the server closed
 * the connection after them.
 */
public record Exchange(List<Reply> replies, boolean closed) {
    /** How long a server may take to answer, or to close after its answer. */
    static final Duration QUIET = Duration.ofMillis(1500);
    private static final Duration LIMIT = Duration.ofSeconds(10);

    /** Opens a connection, sends request as is, and reads until the server closes or goes quiet. */
    public static Exchange run(Target target, Endpoint endpoint, String request) throws IOException {
        return run(target, endpoint, request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    public static Exchange run(Target target, Endpoint endpoint, byte[] request) throws IOException {
        try (Wire wire = Wire.open(target, endpoint, "http/1.1")) {
            wire.trySend(request);
            return read(wire, request.length > 4 && new String(request, 0, 5, java.nio.charset.StandardCharsets.ISO_8859_1).startsWith("HEAD "));
        }
    }

    /** Reads the answers to what was sent on wire. */
    public static Exchange read(Wire wire, boolean head) throws IOException {
        byte[] got = wire.readUntilQuiet(QUIET, LIMIT);
        boolean closed = wire.peerClosed() || wire.closedWithin(QUIET);
        return new Exchange(Reply.parseAll(got, head, closed), closed);
    }

    /** The final responses (no 100 Continue). */
    public List<Reply> finals() {
        return replies.stream().filter(r -> r.status() >= 200).toList();
    }

    /** Exactly one final response, with one of the statuses, and then the connection closed. */
    public boolean rejectedWith(int... statuses) {
        List<Reply> f = finals();
        return f.size() == 1 && Arrays.stream(statuses).anyMatch(s -> s == f.get(0).status()) && closed;
    }

    /** "501, closed", "200 404, kept open", "no response, closed". */
    public String describe() {
        String statuses = finals().isEmpty() ? "no response"
                : finals().stream().map(r -> Integer.toString(r.status())).collect(Collectors.joining(" "));
        return statuses + (closed ? ", closed" : ", kept open");
    }

    /** PASS when rejected with one of the statuses and closed; the detail says what came. */
    public Outcome expectRejected(int... statuses) {
        String expected = Arrays.stream(statuses).mapToObj(Integer::toString).collect(Collectors.joining(" or "));
        return Outcome.of(rejectedWith(statuses), describe() + (rejectedWith(statuses) ? "" : " (expected " + expected + ", closed)"));
    }
}
