package dev.container.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The strict HTTP/1.1 framing reader, byte-exact: what it lets through, and what it refuses with which status. */
class RequestFramingTest {
    private static final int MAX_LINE = 256;
    private static final int MAX_HEAD = 1024;
    private static final int MAX_FIELDS = 10;
    private static final long MAX_BODY = 100;

    private static RequestFraming framing() {
        return new RequestFraming(MAX_LINE, MAX_HEAD, MAX_FIELDS, MAX_BODY);
    }

    /** What scanning text in one piece gives: the deliverable end and the failure, if any. */
    private record Result(int deliverable, RequestFraming.Failure failure, int state) {
    }

    private static Result scanWhole(RequestFraming f, String text) {
        ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
        int end = f.scan(buf, 0, buf.limit());
        return new Result(end, f.failure(), f.state());
    }

    /**
     * Feeds text one byte per scan, as a slow client sends it, keeping an unfinished head's bytes
     * before the next byte as the conduit does; returns the same shape of result as scanWhole.
     */
    private static Result scanByteByByte(RequestFraming f, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int delivered = 0;
        for (int i = 0; i < bytes.length; i++) {
            int end = f.scan(buf, i, i + 1);
            if (f.failure() != null) {
                return new Result(end, f.failure(), f.state());
            }
            if (f.state() >= RequestFraming.AWAIT_UPGRADE) {
                return new Result(end, null, f.state());
            }
            delivered = end;
        }
        return new Result(delivered, null, f.state());
    }

    static List<String> validRequests() {
        return List.of(
                "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET /x?y=1 HTTP/1.0\r\n\r\n",
                "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
                "POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                "POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n5;a=b;c=\"d e\"\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
                "POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nA \t;x\r\n0123456789\r\n00\r\n\r\n",
                "GET / HTTP/1.1\r\nHost:a\r\nX-Empty:\r\nX-Tabs:\tv\t \r\nX-High: caf\u00e9\r\n\r\n",
                "GET http://a/x HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET http://a:80/x HTTP/1.1\r\nHost: A\r\n\r\n",
                "GET http://a.example:8080/x HTTP/1.1\r\nHost:  a.example:8080 \t\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: 127.0.0.1:18080\r\n\r\n",
                "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
                "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n");
    }

    @ParameterizedTest
    @MethodSource("validRequests")
    void valid_requests_are_delivered_whole_and_leave_it_ready_for_the_next(String request) {
        for (Result r : List.of(scanWhole(framing(), request), scanByteByByte(framing(), request))) {
            assertThat(r.failure()).isNull();
            assertThat(r.deliverable()).isEqualTo(request.length());
            assertThat(r.state()).as("back at the start of a request line").isZero();
        }
    }

    @Test
    void an_unfinished_head_is_not_deliverable_but_what_precedes_it_is() {
        String first = "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi";
        RequestFraming f = framing();
        Result r = scanWhole(f, first + "GET / HTTP/1.1\r\nHo");
        assertThat(r.failure()).isNull();
        assertThat(r.deliverable()).isEqualTo(first.length());
        assertThat(f.headBytes()).isEqualTo("GET / HTTP/1.1\r\nHo".length());
    }

    @Test
    void an_idle_connection_holds_no_head_text_and_its_next_head_is_checked_in_full() throws Exception {
        String first = "GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + "v".repeat(500) + "\r\n\r\n";
        String second = "POST http://b/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        RequestFraming f = framing();

        assertThat(scanWhole(f, first).failure()).isNull();
        boolean idleHolds = f.holdsText();
        // the second head begins on this thread and ends on another, as a head split over two reads may
        byte[] bytes = second.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int half = bytes.length / 2;
        f.scan(buf, 0, half);
        boolean midHeadHolds = f.holdsText();
        Thread other = new Thread(() -> f.scan(buf, half, bytes.length));
        other.start();
        other.join();

        assertThat(idleHolds).isFalse();
        assertThat(midHeadHolds).isTrue();
        assertThat(f.failure()).as("the target's host checked against Host").isNotNull();
        assertThat(f.failure().status()).isEqualTo(400);
        assertThat(f.holdsText()).isFalse();
    }

    @Test
    void pipelined_requests_are_each_read_to_their_end() {
        String one = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n";
        String two = "POST /b HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n";
        RequestFraming f = framing();
        Result r = scanWhole(f, one + two + one);
        assertThat(r.failure()).isNull();
        assertThat(r.deliverable()).isEqualTo((one + two + one).length());
        assertThat(f.heads()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            space before colon        | 400 | GET / HTTP/1.1\\r\\nHost: a\\r\\nX-Probe : 1\\r\\n\\r\\n
            bare LF in the head       | 400 | GET / HTTP/1.1\\nHost: a\\n\\n
            bare CR in the head       | 400 | GET / HTTP/1.1\\r\\nHost: a\\rX: 1\\r\\n\\r\\n
            CR inside a value         | 400 | GET / HTTP/1.1\\r\\nHost: a\\r\\nX: a\\rb\\r\\n\\r\\n
            NUL inside a value        | 400 | GET / HTTP/1.1\\r\\nHost: a\\r\\nX: a\\u0000b\\r\\n\\r\\n
            obs-fold                  | 400 | GET / HTTP/1.1\\r\\nHost: a\\r\\nX: a\\r\\n b\\r\\n\\r\\n
            space in a name           | 400 | GET / HTTP/1.1\\r\\nHost: a\\r\\nX Y: 1\\r\\n\\r\\n
            empty name                | 400 | GET / HTTP/1.1\\r\\nHost: a\\r\\n: 1\\r\\n\\r\\n
            no Host in HTTP/1.1       | 400 | GET / HTTP/1.1\\r\\n\\r\\n
            two Hosts                 | 400 | GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n
            Host with a slash         | 400 | GET / HTTP/1.1\\r\\nHost: a/b\\r\\n\\r\\n
            Host with a high byte     | 400 | GET / HTTP/1.1\\r\\nHost: caf\u00e9\\r\\n\\r\\n
            Host with a space inside  | 400 | GET / HTTP/1.1\\r\\nHost: a b\\r\\n\\r\\n
            absolute-form, other port | 400 | GET http://a:81/ HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n
            absolute-form elsewhere   | 400 | GET http://b/ HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n
            user info in target       | 400 | GET http://u@a/ HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n
            asterisk with GET         | 400 | GET * HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n
            empty line before it      | 400 | \\r\\nGET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n
            two spaces                | 400 | GET  / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n
            HTTP/0.9                  | 400 | GET /\\r\\n\\r\\n
            malformed version         | 400 | GET / HTTP/1.1x\\r\\nHost: a\\r\\n\\r\\n
            unknown version           | 505 | GET / HTTP/1.2\\r\\nHost: a\\r\\n\\r\\n
            HTTP/2 preface in HTTP/1.1| 505 | PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n
            lower-case version        | 400 | GET / http/1.1\\r\\nHost: a\\r\\n\\r\\n
            CL and TE                 | 400 | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n
            two CLs                   | 400 | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nContent-Length: 3\\r\\n\\r\\n
            CL list                   | 400 | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3, 3\\r\\n\\r\\n
            CL sign                   | 400 | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: +3\\r\\n\\r\\n
            CL empty                  | 400 | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length:\\r\\n\\r\\n
            CL over the limit         | 413 | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 101\\r\\n\\r\\n
            CL overflowing a long     | 400 | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 99999999999999999999\\r\\n\\r\\n
            TE xchunked               | 501 | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: xchunked\\r\\n\\r\\n
            TE chunked then identity  | 501 | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked, identity\\r\\n\\r\\n
            TE gzip then chunked      | 501 | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n
            TE chunked twice          | 400 | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n
            TE in HTTP/1.0            | 400 | POST / HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n
            TE empty                  | 400 | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: \\r\\n\\r\\n
            """)
    void malformed_heads_are_refused_with_their_status(String why, int status, String escaped) {
        String request = unescape(escaped);
        for (Result r : List.of(scanWhole(framing(), request), scanByteByByte(framing(), request))) {
            assertThat(r.failure()).as(why).isNotNull();
            assertThat(r.failure().status()).as(why + ": " + r.failure().reason()).isEqualTo(status);
            assertThat(r.failure().inHead()).isTrue();
            assertThat(r.deliverable()).as("nothing of the bad head is deliverable").isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            junk after the size       | 400 | 5zz\\r\\nhello\\r\\n0\\r\\n\\r\\n
            a sign                    | 400 | -5\\r\\nhello\\r\\n0\\r\\n\\r\\n
            a plus                    | 400 | +5\\r\\nhello\\r\\n0\\r\\n\\r\\n
            no size                   | 400 | \\r\\nhello\\r\\n0\\r\\n\\r\\n
            a huge size               | 400 | 1000000000000000000\\r\\nhello\\r\\n0\\r\\n\\r\\n
            bare LF after the size    | 400 | 5\\nhello\\r\\n0\\r\\n\\r\\n
            data longer than its size | 400 | 5\\r\\nhelloXX0\\r\\n\\r\\n
            bare LF after the data    | 400 | 5\\r\\nhello\\n0\\r\\n\\r\\n
            control char in extension | 400 | 5;a\\u0001\\r\\nhello\\r\\n0\\r\\n\\r\\n
            space then junk           | 400 | 5 x\\r\\nhello\\r\\n0\\r\\n\\r\\n
            trailer with bare LF      | 400 | 0\\r\\nX: 1\\n\\r\\n
            body over the limit       | 413 | 65\\r\\n
            """)
    void malformed_chunked_bodies_fail_in_the_body(String why, int status, String escaped) {
        String head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        String body = unescape(escaped);
        for (Result r : List.of(scanWhole(framing(), head + body), scanByteByByte(framing(), head + body))) {
            assertThat(r.failure()).as(why).isNotNull();
            assertThat(r.failure().status()).as(why + ": " + r.failure().reason()).isEqualTo(status);
            assertThat(r.failure().inHead()).isFalse();
            assertThat(r.deliverable()).as("the head was fine").isGreaterThanOrEqualTo(head.length());
        }
    }

    @Test
    void limits_give_414_for_the_request_line_and_431_for_the_head_and_the_field_count() {
        assertThat(scanWhole(framing(), "GET /" + "a".repeat(MAX_LINE) + " HTTP/1.1\r\nHost: a\r\n\r\n").failure().status())
                .isEqualTo(414);
        assertThat(scanWhole(framing(), "GET / HTTP/1.1\r\nHost: a\r\nX: " + "v".repeat(MAX_HEAD) + "\r\n\r\n").failure().status())
                .isEqualTo(431);
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < MAX_FIELDS; i++) {
            many.append("X").append(i).append(": 1\r\n");
        }
        assertThat(scanWhole(framing(), many + "\r\n").failure().status()).isEqualTo(431);
        // a long request line refuses at once, before the rest of it arrives
        RequestFraming f = framing();
        assertThat(scanWhole(f, "GET /" + "a".repeat(MAX_LINE)).failure().status()).isEqualTo(414);
    }

    @Test
    void an_upgrade_request_stops_the_reading_until_the_answer_says_what_follows() {
        String upgrade = "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n";
        RequestFraming f = framing();
        Result r = scanWhole(f, upgrade + "\u0081\u0085frame bytes");
        assertThat(r.failure()).isNull();
        assertThat(r.state()).isEqualTo(RequestFraming.AWAIT_UPGRADE);
        assertThat(r.deliverable()).as("the frames after it are not read as a request").isEqualTo(upgrade.length());
        f.upgraded();
        assertThat(f.state()).isEqualTo(RequestFraming.PASSTHROUGH);

        RequestFraming refused = framing();
        scanWhole(refused, upgrade);
        refused.notUpgraded();
        assertThat(scanWhole(refused, "GET / HTTP/1.1\r\nHost: a\r\n\r\n").failure()).isNull();
        assertThat(scanWhole(refused, "GET / HTTP/1.1\r\nHost : a\r\n\r\n").failure().status())
                .as("after a refused upgrade the next request is checked again").isEqualTo(400);
    }

    @Test
    void an_unlimited_body_is_not_counted() {
        RequestFraming f = new RequestFraming(MAX_LINE, MAX_HEAD, MAX_FIELDS, -1);
        String request = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000000\r\n\r\n";
        Result r = scanWhole(f, request);
        assertThat(r.failure()).isNull();
        assertThat(r.deliverable()).isEqualTo(request.length());
    }

    /** \r, \n, \\uXXXX as written in the CSV rows. */
    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(i + 1);
                if (n == 'r') {
                    out.append('\r');
                    i++;
                    continue;
                }
                if (n == 'n') {
                    out.append('\n');
                    i++;
                    continue;
                }
                if (n == 'u') {
                    out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                    i += 5;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
