package dev.container.probe;

import dev.container.probe.H2Connection.Frame;
import dev.container.probe.H2Connection.Response;
import dev.container.probe.H2Connection.Type;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * HTTP/2 (RFC 9113) over TLS and h2c: rapid reset, MadeYouReset, CONTINUATION floods, more streams
 * than SETTINGS_MAX_CONCURRENT_STREAMS, HPACK header lists over the advertised limit, frames on
 * stream 0 or closed streams, zero-window stalls. Frames are written and read with Netty's
 * HTTP/2 codec ({@link H2Connection}). Every probe runs on the TLS listener ({@code h2.}, ALPN h2)
 * and on the cleartext one ({@code h2c.}, prior knowledge), whichever the target has.
 */
final class Http2Probes {
    /** How long a server may take to answer a frame with a frame (or a close). */
    private static final Duration ANSWER = Duration.ofSeconds(5);
    private static final long PROTOCOL_ERROR = Http2Error.PROTOCOL_ERROR.code();
    private static final long REFUSED_STREAM = Http2Error.REFUSED_STREAM.code();
    private static final long STREAM_CLOSED = Http2Error.STREAM_CLOSED.code();
    private static final long FLOW_CONTROL_ERROR = Http2Error.FLOW_CONTROL_ERROR.code();

    private Http2Probes() {
    }

    static List<Probe> all() {
        List<Probe> probes = new ArrayList<>();
        both(probes, "get", "a GET over HTTP/2 is answered 200 (the baseline for the probes below)", Http2Probes::get);
        both(probes, "many-values", "one HEADERS with 200 values of one header name: refused on the stream "
                + "(RST_STREAM or 4xx) or the connection (GOAWAY), never dropped without a word", Http2Probes::manyValues);
        both(probes, "max-concurrent-streams", "20 streams more than SETTINGS_MAX_CONCURRENT_STREAMS held on a zero "
                + "window: the extra ones refused (RST_STREAM REFUSED_STREAM), the others served", Http2Probes::maxStreams);
        both(probes, "zero-window", "10 responses stalled on a zero flow-control window: reset (or the connection "
                + "closed) once the write timeout passes, not held forever", Http2Probes::zeroWindow);
        both(probes, "rapid-reset", "HEADERS then RST_STREAM, 5000 times (CVE-2023-44487): GOAWAY with "
                + "an error (ENHANCE_YOUR_CALM) or the connection closed long before the end, others served "
                + "meanwhile", Http2Probes::rapidReset);
        both(probes, "made-you-reset", "HEADERS then a zero WINDOW_UPDATE that makes the server reset, 5000 times "
                + "(CVE-2025-8671): GOAWAY with an error (ENHANCE_YOUR_CALM, PROTOCOL_ERROR) or the "
                + "connection closed long before the end, others served meanwhile", Http2Probes::madeYouReset);
        both(probes, "continuation-flood", "HEADERS without END_HEADERS, then CONTINUATION frames of 16 KiB without "
                + "end (64 MiB offered): GOAWAY and close early, others served meanwhile",
                (t, e) -> continuationFlood(t, e, 16 * 1024));
        both(probes, "continuation-empty", "HEADERS without END_HEADERS, then 200000 empty CONTINUATION frames: "
                + "GOAWAY and close early, others served meanwhile", (t, e) -> continuationFlood(t, e, 0));
        both(probes, "header-list-over-limit", "a header list 8 times the advertised SETTINGS_MAX_HEADER_LIST_SIZE: "
                + "431, RST_STREAM or GOAWAY", Http2Probes::headerListOverLimit);
        both(probes, "hpack-bomb", "a 4 KiB header stored in the HPACK table, then referenced 2000 times "
                + "(8 MiB decoded from 10 KiB): refused, not decoded", Http2Probes::hpackBomb);
        both(probes, "data-stream-0", "DATA on stream 0: GOAWAY PROTOCOL_ERROR (RFC 9113 section 6.1)",
                (t, e) -> connectionError(t, e, c -> c.frame(Http2FrameTypes.DATA, 0, new Http2Flags(),
                        Unpooled.wrappedBuffer(new byte[16])), PROTOCOL_ERROR));
        both(probes, "window-update-0", "WINDOW_UPDATE of 0 on stream 0: GOAWAY PROTOCOL_ERROR (section 6.9)",
                (t, e) -> connectionError(t, e, c -> c.frame(Http2FrameTypes.WINDOW_UPDATE, 0, new Http2Flags(),
                        Unpooled.buffer(4).writeInt(0)), PROTOCOL_ERROR));
        both(probes, "window-overflow", "WINDOW_UPDATEs on stream 0 past 2^31-1: GOAWAY FLOW_CONTROL_ERROR (section 6.9.1)",
                (t, e) -> connectionError(t, e, c -> c.windowUpdate(0, Integer.MAX_VALUE).windowUpdate(0, Integer.MAX_VALUE),
                        FLOW_CONTROL_ERROR));
        both(probes, "data-idle-stream", "DATA on a stream never opened: GOAWAY PROTOCOL_ERROR (section 5.1)",
                (t, e) -> connectionError(t, e, c -> c.data(99, new byte[16], false), PROTOCOL_ERROR));
        both(probes, "data-closed-stream", "DATA on a stream whose request ended (END_STREAM): RST_STREAM or "
                + "GOAWAY STREAM_CLOSED (section 5.1), and the connection serves on or closes cleanly",
                Http2Probes::dataOnClosedStream);
        both(probes, "window-update-closed-stream", "WINDOW_UPDATE on a finished stream: ignored (section 6.9), "
                + "the connection serves on", Http2Probes::windowUpdateOnClosedStream);
        return probes;
    }

    // ----- the probes

    private static Outcome get(Target t, Endpoint e) throws IOException {
        try (H2Connection c = H2Connection.open(t, e)) {
            Response r = c.get(t, e, t.file(), ANSWER);
            return Outcome.of(r.status() == 200 && r.complete(), "GET " + t.file() + ": " + r);
        }
    }

    private static Outcome manyValues(Target t, Endpoint e) throws IOException {
        try (H2Connection c = H2Connection.open(t, e)) {
            Http2Headers headers = H2Connection.get(t, e, t.file());
            for (int i = 0; i < 200; i++) {
                headers.add("x-probe", Integer.toString(i));
            }
            int stream = c.newStream();
            c.headers(stream, headers, true).flush();
            Response r = c.response(stream, ANSWER);
            String got = describe(c, r);
            if (r.status() >= 400 && r.status() < 500) {
                return Outcome.pass(got);
            }
            if (r.reset().isPresent()) {
                Frame f = r.reset().get();
                boolean goAwayOk = f.type() == Type.RST_STREAM || c.closedWithin(ANSWER);
                return Outcome.of(goAwayOk, got + (goAwayOk ? "" : ", connection left open after GOAWAY"));
            }
            return Outcome.fail(got + " (expected 4xx, RST_STREAM or GOAWAY)");
        }
    }

    private static Outcome maxStreams(Target t, Endpoint e) throws IOException {
        try (H2Connection c = H2Connection.open(t, e, new Http2Settings().initialWindowSize(0))) {
            c.autoWindowUpdate(false);
            Optional<Long> advertised = c.maxConcurrentStreams();
            if (advertised.isEmpty() || advertised.get() > 10_000) {
                return Outcome.fail("advertises no SETTINGS_MAX_CONCURRENT_STREAMS (or one over 10000): " + advertised);
            }
            int limit = advertised.get().intValue();
            int total = limit + 20;
            List<Integer> streams = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                int stream = c.newStream();
                streams.add(stream);
                c.headers(stream, H2Connection.get(t, e, t.file()), true);
            }
            c.flush();
            c.readFor(Duration.ofSeconds(3));
            List<Response> answers = streams.stream().map(c::responseSoFar).toList();
            long refused = answers.stream().filter(r -> r.reset().filter(f -> f.type() == Type.RST_STREAM
                    && (f.code() == REFUSED_STREAM || f.code() == PROTOCOL_ERROR)).isPresent()).count();
            long otherResets = answers.stream().filter(r -> r.reset().isPresent()).count() - refused;
            long done = answers.stream().filter(Response::complete).count();
            long held = total - refused - otherResets - done;
            if (done > 0 && held == 0) {
                return Outcome.skip("the file's responses finish on a zero window (empty?): nothing was held");
            }
            // let the accepted ones finish: the window opens for every stream and the connection
            c.settings(new Http2Settings().initialWindowSize(1 << 20)).windowUpdate(0, Integer.MAX_VALUE - 65_535).flush();
            c.autoWindowUpdate(true);
            List<Integer> accepted = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                if (answers.get(i).reset().isEmpty()) {
                    accepted.add(streams.get(i));
                }
            }
            long served = 0;
            for (int stream : accepted) {
                Response r = c.response(stream, ANSWER);
                if (r.status() == 200 && r.complete()) {
                    served++;
                }
            }
            String detail = "limit " + limit + ", opened " + total + ": held " + held + ", refused " + refused
                    + (otherResets > 0 ? ", other resets " + otherResets : "") + "; served after the window opened "
                    + served + " of " + accepted.size() + goAwayNote(c);
            boolean ok = held + done <= limit && refused >= total - limit - done && otherResets == 0 && served == accepted.size();
            return Outcome.of(ok, detail);
        }
    }

    private static Outcome zeroWindow(Target t, Endpoint e) throws IOException {
        int count = 10;
        Duration bound = t.writeTimeout().plusSeconds(15);
        long began = System.nanoTime();
        try (H2Connection c = H2Connection.open(t, e, new Http2Settings().initialWindowSize(0))) {
            c.autoWindowUpdate(false);
            List<Integer> streams = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int stream = c.newStream();
                streams.add(stream);
                c.headers(stream, H2Connection.get(t, e, t.file()), true);
            }
            c.flush();
            long deadline = System.nanoTime() + bound.toNanos();
            while (System.nanoTime() < deadline && !c.closed()
                    && !streams.stream().map(c::responseSoFar).allMatch(r -> r.reset().isPresent() || r.complete())) {
                c.readFor(Duration.ofSeconds(1));
            }
            long seconds = (System.nanoTime() - began) / 1_000_000_000;
            List<Response> answers = streams.stream().map(c::responseSoFar).toList();
            long done = answers.stream().filter(Response::complete).count();
            if (done == count) {
                return Outcome.skip("the file's responses finish on a zero window (empty?): nothing stalled");
            }
            long reset = answers.stream().filter(r -> r.reset().isPresent()).count();
            boolean ended = c.closed() || reset + done == count;
            String codes = answers.stream().flatMap(r -> r.reset().stream()).map(Frame::toString).distinct()
                    .collect(Collectors.joining(", "));
            String detail = (ended ? "ended after " + seconds + " s: " : "still held after " + seconds + " s: ")
                    + reset + " reset, " + done + " finished" + (c.closed() ? ", connection closed" : "")
                    + (codes.isEmpty() ? "" : " (" + codes + ")") + " (write timeout " + t.writeTimeout().toSeconds() + " s)";
            return Outcome.of(ended, detail);
        }
    }

    private static Outcome rapidReset(Target t, Endpoint e) throws Exception {
        return resetFlood(t, e, (c, stream) -> c.headers(stream, H2Connection.get(t, e, t.file()), true)
                .rst(stream, Http2Error.CANCEL.code()));
    }

    private static Outcome madeYouReset(Target t, Endpoint e) throws Exception {
        // a WINDOW_UPDATE of 0 on an open stream is a stream error (section 6.9): the server resets it itself
        return resetFlood(t, e, (c, stream) -> c.headers(stream, H2Connection.get(t, e, t.file()), true)
                .frame(Http2FrameTypes.WINDOW_UPDATE, stream, new Http2Flags(), Unpooled.buffer(4).writeInt(0)));
    }

    /**
     * 5000 streams each opened and made to reset at once, in batches of 100; a server must end the
     * connection (GOAWAY ENHANCE_YOUR_CALM, as after CVE-2023-44487 servers do) well before the end.
     */
    private static Outcome resetFlood(Target t, Endpoint e, StreamShape shape) throws Exception {
        int total = 5000;
        try (H2Connection c = H2Connection.open(t, e); Meanwhile others = Meanwhile.start(t, e)) {
            int sent = 0;
            while (sent < total && !c.writeFailed() && c.goAway().isEmpty() && !c.closed()) {
                for (int i = 0; i < 100; i++, sent++) {
                    shape.send(c, c.newStream());
                }
                c.flush();
                c.readFor(Duration.ofMillis(20));
            }
            Optional<Frame> goAway = c.awaitGoAwayOrClose(ANSWER);
            long served = c.frames().stream().filter(f -> f.type() == Type.HEADERS).count();
            String meanwhile = others.stop();
            String detail = "sent " + sent + " of " + total + ", " + served + " answered, "
                    + goAway.map(Frame::toString).orElse(c.closed() ? c.closedHow() + " without GOAWAY (last frames "
                    + c.frames().subList(Math.max(0, c.frames().size() - 3), c.frames().size()) + ")" : "no GOAWAY")
                    + "; " + meanwhile;
            // Undertow closes the connection as soon as its GOAWAY is queued; now and then a client
            // in mid-flood sees the end without it. The flood is stopped all the same. Any error
            // code stops it (ENHANCE_YOUR_CALM, or PROTOCOL_ERROR from a server that makes the
            // first bad frame a connection error, as RFC 9113 allows); NO_ERROR is a server
            // closing a connection that has served its quota, after doing all the work.
            boolean stopped = goAway.map(g -> g.code() != Http2Error.NO_ERROR.code()).orElse(c.closed()) && sent < total;
            return Outcome.of(stopped && others.ok(), detail);
        }
    }

    private static Outcome continuationFlood(Target t, Endpoint e, int frameSize) throws Exception {
        long offered = frameSize > 0 ? 64L * 1024 * 1024 : 200_000;
        try (H2Connection c = H2Connection.open(t, e); Meanwhile others = Meanwhile.start(t, e)) {
            int stream = c.newStream();
            c.headersWithoutEnd(stream, c.headerBlock(H2Connection.get(t, e, t.file())), true).flush();
            Http2Headers filler = new DefaultHttp2Headers(false);
            if (frameSize > 0) {
                // ~16 KiB of literal fields per frame: each new, so HPACK cannot shrink them
                for (int i = 0; i < 16; i++) {
                    filler.add("x-flood-" + i, "v".repeat(1000));
                }
            }
            ByteBuf block = frameSize > 0 ? c.headerBlock(filler) : Unpooled.EMPTY_BUFFER;
            long sentBytes = 0;
            long frames = 0;
            while ((frameSize > 0 ? sentBytes : frames) < offered && !c.writeFailed() && c.goAway().isEmpty() && !c.closed()) {
                for (int i = 0; i < (frameSize > 0 ? 16 : 2000); i++) {
                    c.continuation(stream, block.retainedDuplicate(), false);
                    sentBytes += block.readableBytes() + 9;
                    frames++;
                }
                c.flush();
                c.readFor(Duration.ofMillis(5));
            }
            block.release();
            Optional<Frame> goAway = c.awaitGoAwayOrClose(ANSWER);
            boolean closed = c.closedWithin(ANSWER);
            String detail = "sent " + frames + " CONTINUATION frames (" + (sentBytes / 1024) + " KiB), then "
                    + goAway.map(Frame::toString).orElse("no GOAWAY") + (closed ? ", closed" : ", left open") + "; " + others.stop();
            boolean early = frameSize > 0 ? sentBytes < offered : frames < offered;
            return Outcome.of(goAway.isPresent() && closed && early && others.ok(), detail);
        }
    }

    private static Outcome headerListOverLimit(Target t, Endpoint e) throws IOException {
        try (H2Connection c = H2Connection.open(t, e)) {
            Long advertised = c.serverSettings().maxHeaderListSize();
            long size = advertised == null ? 2L * 1024 * 1024 : Math.min(advertised * 8, 16L * 1024 * 1024);
            Http2Headers headers = H2Connection.get(t, e, t.file());
            int i = 0;
            for (long have = 0; have < size; have += 4000 + 40) {
                headers.add("x-large-" + i++, "v".repeat(4000));
            }
            int stream = c.newStream();
            c.headers(stream, headers, true).flush();
            Response r = c.response(stream, ANSWER);
            String got = "advertised " + (advertised == null ? "no limit" : advertised + " bytes") + ", sent " + (size / 1024)
                    + " KiB: " + describe(c, r);
            boolean ok = r.status() == 431 || r.status() == 400 || r.reset().isPresent();
            return Outcome.of(ok, got + (ok ? "" : " (expected 431, RST_STREAM or GOAWAY)"));
        }
    }

    private static Outcome hpackBomb(Target t, Endpoint e) throws IOException {
        try (H2Connection c = H2Connection.open(t, e)) {
            // first request: the big field goes into the server's HPACK table (literal with incremental indexing)
            String big = "b".repeat(4000);
            int first = c.newStream();
            c.headers(first, H2Connection.get(t, e, t.file()).add("x-bomb", big), true).flush();
            Response warm = c.response(first, ANSWER);
            // second: the same field 2000 times, each an index of one or two bytes
            Http2Headers bomb = H2Connection.get(t, e, t.file());
            for (int i = 0; i < 2000; i++) {
                bomb.add("x-bomb", big);
            }
            int stream = c.newStream();
            c.headers(stream, bomb, true).flush();
            Response r = c.response(stream, ANSWER);
            String got = "first request " + warm + "; bomb: " + describe(c, r);
            boolean ok = r.status() == 431 || r.status() == 400 || r.reset().isPresent()
                    && (r.reset().get().type() == Type.RST_STREAM || r.reset().get().code() != 0);
            return Outcome.of(ok, got + (ok ? "" : " (expected 431, RST_STREAM or GOAWAY with an error)"));
        }
    }

    private static Outcome connectionError(Target t, Endpoint e, FrameShape shape, long expected) throws IOException {
        try (H2Connection c = H2Connection.open(t, e)) {
            shape.send(c);
            c.flush();
            Optional<Frame> goAway = c.awaitGoAwayOrClose(ANSWER);
            boolean closed = c.closedWithin(ANSWER);
            String got = goAway.map(Frame::toString).orElse("no GOAWAY") + (closed ? ", closed" : ", left open");
            boolean ok = goAway.isPresent() && goAway.get().code() == expected && closed;
            return Outcome.of(ok, got + (ok ? "" : " (expected GOAWAY " + H2Connection.errorName(expected) + ", closed)"));
        }
    }

    private static Outcome dataOnClosedStream(Target t, Endpoint e) throws IOException {
        try (H2Connection c = H2Connection.open(t, e)) {
            Response first = c.get(t, e, t.file(), ANSWER);
            if (!first.complete()) {
                return Outcome.fail("the first GET did not finish: " + first);
            }
            c.data(first.stream(), new byte[16], true).flush();
            Optional<Frame> answer = c.await(f -> f.type() == Type.GOAWAY
                    || f.type() == Type.RST_STREAM && f.stream() == first.stream(), ANSWER);
            if (answer.isEmpty()) {
                return Outcome.fail("nothing came back" + (c.closed() ? " (closed without GOAWAY)" : ""));
            }
            Frame f = answer.get();
            if (f.type() == Type.GOAWAY) {
                boolean ok = (f.code() == STREAM_CLOSED || f.code() == PROTOCOL_ERROR) && c.closedWithin(ANSWER);
                return Outcome.of(ok, f + (c.closed() ? ", closed" : ", left open"));
            }
            Response next = c.get(t, e, t.file(), ANSWER);
            boolean ok = f.code() == STREAM_CLOSED && next.status() == 200;
            return Outcome.of(ok, f + "; next GET on the connection: " + next);
        }
    }

    private static Outcome windowUpdateOnClosedStream(Target t, Endpoint e) throws IOException {
        try (H2Connection c = H2Connection.open(t, e)) {
            Response first = c.get(t, e, t.file(), ANSWER);
            if (!first.complete()) {
                return Outcome.fail("the first GET did not finish: " + first);
            }
            c.windowUpdate(first.stream(), 1000).flush();
            Response next = c.get(t, e, t.file(), ANSWER);
            boolean ok = next.status() == 200 && next.complete() && c.goAway().isEmpty();
            return Outcome.of(ok, "next GET on the connection: " + next + goAwayNote(c));
        }
    }

    // ----- helpers

    private static String describe(H2Connection c, Response r) throws IOException {
        String s = r.toString();
        if (r.reset().isEmpty() && r.status() == 0 && c.closed()) {
            s += ", connection closed without GOAWAY";
        }
        return s;
    }

    private static String goAwayNote(H2Connection c) {
        return c.goAway().map(g -> ", " + g).orElse("");
    }

    /** The same probe as h2.SHAPE on the TLS listener and h2c.SHAPE on the cleartext one. */
    private static void both(List<Probe> probes, String shape, String what, Http1Probes.EndpointCheck check) {
        probes.add(new Probe("h2." + shape, what + " (TLS, ALPN h2)", t -> on(t, t.https(), check)));
        probes.add(new Probe("h2c." + shape, what + " (cleartext, prior knowledge)", t -> on(t, t.h2c(), check)));
    }

    private static Outcome on(Target t, Optional<Endpoint> endpoint, Http1Probes.EndpointCheck check) throws Exception {
        if (endpoint.isEmpty()) {
            return Outcome.skip("no such listener given");
        }
        return check.apply(t, endpoint.get());
    }

    @FunctionalInterface
    private interface FrameShape {
        void send(H2Connection c);
    }

    @FunctionalInterface
    private interface StreamShape {
        void send(H2Connection c, int stream);
    }

    /**
     * Normal GETs over HTTP/2 on connections of their own, one after another, while a flood runs:
     * "others served meanwhile". Each must be answered 200 within 5 s.
     */
    static final class Meanwhile implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger served = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private final AtomicLong slowest = new AtomicLong();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final Thread thread;
        private volatile String lastFailure = "";

        private Meanwhile(Target t, Endpoint e) {
            thread = new Thread(() -> {
                while (running.get()) {
                    long began = System.nanoTime();
                    try (H2Connection c = H2Connection.open(t, e)) {
                        Response r = c.get(t, e, t.file(), ANSWER);
                        if (r.status() == 200 && r.complete()) {
                            served.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            lastFailure = r.toString();
                        }
                    } catch (IOException | RuntimeException ex) {
                        failed.incrementAndGet();
                        lastFailure = ex.getMessage();
                    }
                    slowest.accumulateAndGet((System.nanoTime() - began) / 1_000_000, Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException ex) {
                        return;
                    }
                }
            }, "probe-meanwhile");
            thread.setDaemon(true);
        }

        static Meanwhile start(Target t, Endpoint e) {
            Meanwhile m = new Meanwhile(t, e);
            m.thread.start();
            return m;
        }

        /** Stops after the request in progress (at least one is made) and says how they went. */
        String stop() throws InterruptedException {
            if (stopped.compareAndSet(false, true)) {
                while (served.get() + failed.get() == 0 && thread.isAlive()) {
                    Thread.sleep(20);
                }
                running.set(false);
                thread.join(10_000);
            }
            return "others meanwhile: " + served.get() + " served, " + failed.get() + " failed"
                    + (failed.get() > 0 ? " (" + lastFailure + ")" : "") + ", slowest " + slowest.get() + " ms";
        }

        boolean ok() {
            return failed.get() == 0 && served.get() > 0;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            stop();
        }
    }
}
