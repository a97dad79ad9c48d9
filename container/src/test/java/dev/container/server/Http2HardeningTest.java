package dev.container.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.probe.H2Connection;
import dev.container.probe.H2Connection.Frame;
import dev.container.probe.H2Connection.Response;
import dev.container.probe.H2Connection.Type;
import dev.container.server.HardeningServer.Transport;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTP/2 hardening against a real container, over TLS (ALPN h2) and cleartext (h2c prior
 * knowledge): Undertow's faults that {@link GuardedHttp2Channel} fixes, each shown by frames
 * written and read with the probe's {@link H2Connection} (Netty's codec).
 */
class Http2HardeningTest {
    private static final Duration ANSWER = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private HardeningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ----- defect 8: many values of one header name

    @ParameterizedTest
    @EnumSource(Transport.class)
    void many_values_of_one_header_name_end_the_connection_with_goaway_and_log_no_stack_trace(Transport t) throws Exception {
        server = HardeningServer.start(dir, "");
        try (H2Connection c = server.open(t)) {
            Http2Headers headers = server.get(t, "/index.html");
            for (int i = 0; i < 200; i++) {
                headers.add("x-many", Integer.toString(i));
            }
            int stream = c.newStream();
            c.headers(stream, headers, true).flush();

            Optional<Frame> goAway = c.awaitGoAwayOrClose(ANSWER);
            assertThat(goAway).map(Frame::code).hasValue(Http2Error.PROTOCOL_ERROR.code());
            assertThat(c.closedWithin(ANSWER)).isTrue();
        }
        try (H2Connection c = server.open(t)) {
            assertThat(c.get(server.target(), server.endpoint(t), "/index.html", ANSWER).status()).isEqualTo(200);
        }
        assertThat(server.loud()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void a_content_length_that_is_no_number_ends_the_connection_with_goaway_and_logs_no_stack_trace(Transport t)
            throws Exception {
        server = HardeningServer.start(dir, "");
        try (H2Connection c = server.open(t)) {
            int stream = c.newStream();
            c.headers(stream, server.get(t, "/index.html").add("content-length", "abc"), true).flush();

            assertThat(c.awaitGoAwayOrClose(ANSWER)).map(Frame::code).hasValue(Http2Error.PROTOCOL_ERROR.code());
            assertThat(c.closedWithin(ANSWER)).isTrue();
        }
        assertThat(server.loud()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void up_to_127_values_of_one_header_name_are_served(Transport t) throws Exception {
        server = HardeningServer.start(dir, "");
        try (H2Connection c = server.open(t)) {
            Http2Headers headers = server.get(t, "/app/headers?name=x-many");
            for (int i = 0; i < 127; i++) {
                headers.add("x-many", Integer.toString(i));
            }
            int stream = c.newStream();
            c.headers(stream, headers, true).flush();

            Response r = c.response(stream, ANSWER);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("127");
        }
    }

    // ----- defect 9: SETTINGS_MAX_CONCURRENT_STREAMS

    @ParameterizedTest
    @EnumSource(Transport.class)
    void streams_over_the_advertised_limit_are_refused_and_the_others_served(Transport t) throws Exception {
        server = HardeningServer.start(dir, "http2-max-concurrent-streams = 10");
        try (H2Connection c = server.open(t, new Http2Settings().initialWindowSize(0))) {
            c.autoWindowUpdate(false);
            assertThat(c.maxConcurrentStreams()).hasValue(10L);
            List<Integer> streams = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                int stream = c.newStream();
                streams.add(stream);
                c.headers(stream, server.get(t, "/index.html"), true);
            }
            c.flush();
            c.await(f -> f.type() == Type.RST_STREAM && f.stream() == streams.get(14), ANSWER);

            for (int i = 10; i < 15; i++) {
                assertThat(c.responseSoFar(streams.get(i)).reset()).map(Frame::code)
                        .hasValue(Http2Error.REFUSED_STREAM.code());
            }
            c.settings(new Http2Settings().initialWindowSize(65_535)).windowUpdate(0, 1 << 20).flush();
            c.autoWindowUpdate(true);
            for (int i = 0; i < 10; i++) {
                Response r = c.response(streams.get(i), Duration.ofSeconds(30));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.text()).isEqualTo("<h1>hello</h1>\n");
            }
            // the refused ones count no more: new streams are served again. The last of the ten may
            // still be counted for a moment after its END_STREAM reached us (its exchange ends after
            // the frame is written), so a refusal is retried, as RFC 9113 section 8.7 lets a client;
            // were the refused streams still counted, every try would be refused.
            assertThat(servedAfterRefusals(c, t).status()).isEqualTo(200);
        }
    }

    private Response servedAfterRefusals(H2Connection c, Transport t) throws Exception {
        long deadline = System.nanoTime() + ANSWER.toNanos();
        while (true) {
            Response r = c.get(server.target(), server.endpoint(t), "/index.html", ANSWER);
            boolean refused = r.reset().map(Frame::code).filter(code -> code == Http2Error.REFUSED_STREAM.code()).isPresent();
            if (!refused || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(20);
        }
    }

    // ----- reset floods

    @ParameterizedTest
    @EnumSource(Transport.class)
    void a_rapid_reset_flood_ends_with_goaway_enhance_your_calm_after_200_resets(Transport t) throws Exception {
        server = HardeningServer.start(dir, "");
        // Undertow's default MAX_RST_FRAMES_PER_WINDOW: 200 in 30 s; the 201st reset ends it
        resetFlood(t, (c, stream) -> c.rst(stream, Http2Error.CANCEL.code()));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void a_made_you_reset_flood_ends_with_goaway_enhance_your_calm_after_200_resets(Transport t) throws Exception {
        server = HardeningServer.start(dir, "");
        // a WINDOW_UPDATE of 0 on a stream is a stream error (RFC 9113 section 6.9): the server resets it itself
        resetFlood(t, (c, stream) -> c.frame(io.netty.handler.codec.http2.Http2FrameTypes.WINDOW_UPDATE,
                stream, new io.netty.handler.codec.http2.Http2Flags(), Unpooled.buffer(4).writeInt(0)));
    }

    /**
     * GETs each followed by a frame that resets the stream, in batches of 100, until the server ends
     * the connection: after the 200th reset, with GOAWAY ENHANCE_YOUR_CALM. The client may not get
     * to read the GOAWAY: the server closes after sending it, and the streams the client sent
     * meanwhile, unread, make the close a TCP reset, which discards what the client had not read
     * yet. So the GOAWAY is checked when it arrives, and the count of streams sent always.
     */
    private void resetFlood(Transport t, java.util.function.BiConsumer<H2Connection, Integer> reset) throws Exception {
        try (H2Connection c = server.open(t)) {
            int sent = 0;
            while (sent < 5000 && !c.writeFailed() && c.goAway().isEmpty() && !c.closed()) {
                for (int i = 0; i < 100; i++, sent++) {
                    int stream = c.newStream();
                    c.headers(stream, server.get(t, "/index.html"), true);
                    reset.accept(c, stream);
                }
                c.flush();
                c.readFor(Duration.ofMillis(20));
            }
            Optional<Frame> goAway = c.awaitGoAwayOrClose(ANSWER);
            assertThat(c.closedWithin(ANSWER)).as("closed after %d streams", sent).isTrue();
            assertThat(sent).as("streams sent before the server ended the connection (%s)", c.closedHow())
                    .isBetween(201, 1000);
            goAway.ifPresent(frame -> {
                assertThat(frame.code()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
                assertThat(frame.lastStream()).isLessThanOrEqualTo(2 * 201 + 50);
            });
        }
    }

    // ----- streams reset while their response waits for the window

    @ParameterizedTest
    @EnumSource(Transport.class)
    void streams_the_client_resets_while_their_responses_wait_for_the_window_end_their_exchanges(Transport t)
            throws Exception {
        server = HardeningServer.start(dir, "write-timeout = 10m");
        try (H2Connection c = server.open(t, new Http2Settings().initialWindowSize(0))) {
            c.autoWindowUpdate(false);
            List<Integer> streams = new ArrayList<>();
            for (String path : List.of("/big.bin", "/index.html", "/app/big?bytes=" + HardeningServer.BIG,
                    "/app/async-big?bytes=" + HardeningServer.BIG)) {
                int stream = c.newStream();
                streams.add(stream);
                c.headers(stream, server.get(t, path), true);
            }
            c.flush();
            c.readFor(Duration.ofSeconds(1));
            for (int stream : streams) {
                c.rst(stream, Http2Error.CANCEL.code());
            }
            c.flush();
            c.readFor(Duration.ofSeconds(1));

            // the connection is still open: only the resets can have ended the exchanges
            long began = System.nanoTime();
            server.close();
            assertThat(server.lines()).noneMatch(line -> line.contains("still running"));
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(8));
        }
    }

    // ----- header blocks split over CONTINUATION frames

    @ParameterizedTest
    @EnumSource(Transport.class)
    void a_header_block_waits_for_its_continuation_frame_when_that_comes_later(Transport t) throws Exception {
        server = HardeningServer.start(dir, "");
        try (H2Connection c = server.open(t)) {
            int stream = c.newStream();
            c.headersWithoutEnd(stream, c.headerBlock(server.get(t, "/app/headers?name=x-late")), true).flush();
            assertThat(c.readFor(Duration.ofMillis(500))).noneMatch(f -> f.stream() == stream);
            var late = new DefaultHttp2Headers(false).add("x-late", "1").add("x-late", "2");
            c.continuation(stream, c.headerBlock(late), true).flush();

            Response r = c.response(stream, ANSWER);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("2");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void a_header_list_over_the_limit_is_refused_even_when_its_continuation_comes_later(Transport t) throws Exception {
        server = HardeningServer.start(dir, "");
        try (H2Connection c = server.open(t)) {
            long limit = c.serverSettings().maxHeaderListSize();
            int stream = c.newStream();
            var first = server.get(t, "/index.html").add("x-a", "a".repeat((int) limit / 2));
            c.headersWithoutEnd(stream, c.headerBlock(first), true).flush();
            c.readFor(Duration.ofMillis(500));
            var rest = new DefaultHttp2Headers(false).add("x-b", "b".repeat((int) limit / 2));
            c.continuation(stream, c.headerBlock(rest), true).flush();

            Response r = c.response(stream, ANSWER);
            assertThat(r.status()).isNotEqualTo(200);
            assertThat(r.reset()).isPresent();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void endless_empty_continuation_frames_end_the_connection_with_enhance_your_calm(Transport t) throws Exception {
        server = HardeningServer.start(dir, "");
        try (H2Connection c = server.open(t)) {
            int stream = c.newStream();
            c.headersWithoutEnd(stream, c.headerBlock(server.get(t, "/index.html")), true).flush();
            int sent = 0;
            while (sent < 100_000 && c.goAway().isEmpty() && !c.closed() && !c.writeFailed()) {
                for (int i = 0; i < 1000; i++, sent++) {
                    c.continuation(stream, Unpooled.EMPTY_BUFFER, false);
                }
                c.flush();
                c.readFor(Duration.ofMillis(5));
            }
            assertThat(c.awaitGoAwayOrClose(ANSWER)).map(Frame::code).hasValue(Http2Error.ENHANCE_YOUR_CALM.code());
            assertThat(sent).isLessThan(100_000);
        }
    }
}
