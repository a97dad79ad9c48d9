package dev.container.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.container.probe.H2Connection;
import dev.container.probe.H2Connection.Frame;
import dev.container.probe.H2Connection.Response;
import dev.container.probe.H2Connection.Type;
import dev.container.server.HardeningServer.Transport;
import dev.container.testing.MissingTools;
import dev.container.testing.RawHttp;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * {@code limits.write-timeout}: responses that make no progress are cut (HTTP/2 streams reset,
 * HTTP/1.1 connections closed), responses that merely pause are not, and exchanges whose client
 * has gone end, so that a later drain (SIGTERM) does not wait for them.
 */
class WriteTimeoutTest {
    /** The responses of every kind the container writes: zero-copy file, cached file, blocking and async servlet. */
    private static final List<String> PATHS = List.of("/big.bin", "/index.html",
            "/app/big?bytes=" + HardeningServer.BIG, "/app/async-big?bytes=" + HardeningServer.BIG);
    private static final String STILL_RUNNING = "still running";

    @TempDir
    Path dir;

    private HardeningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void http2_responses_stalled_on_a_zero_window_are_reset_and_the_connection_serves_on(Transport t) throws Exception {
        server = HardeningServer.start(dir, "write-timeout = 1s");
        try (H2Connection c = server.open(t, new Http2Settings().initialWindowSize(0))) {
            c.autoWindowUpdate(false);
            List<Integer> streams = stall(c, t);

            for (int stream : streams) {
                Response r = c.response(stream, Duration.ofSeconds(30));
                assertThat(r.reset()).as("stream %d", stream).map(Frame::type).hasValue(Type.RST_STREAM);
                assertThat(r.reset()).map(Frame::code).hasValue(Http2Error.CANCEL.code());
            }
            c.settings(new Http2Settings().initialWindowSize(65_535)).flush();
            c.autoWindowUpdate(true);
            assertThat(c.get(server.target(), server.endpoint(t), "/index.html", Duration.ofSeconds(5)).status())
                    .isEqualTo(200);
        }
        server.close();
        assertThat(server.lines()).noneMatch(line -> line.contains(STILL_RUNNING));
        assertThat(server.loud()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void exchanges_stalled_on_http2_whose_client_left_do_not_hold_the_drain(Transport t) throws Exception {
        server = HardeningServer.start(dir, "write-timeout = 10m");
        try (H2Connection c = server.open(t, new Http2Settings().initialWindowSize(0))) {
            c.autoWindowUpdate(false);
            stall(c, t);
            c.readFor(Duration.ofSeconds(1));
        }
        long began = System.nanoTime();
        server.close();
        assertThat(server.lines()).noneMatch(line -> line.contains(STILL_RUNNING));
        // the drain waits up to 10 s for running requests: it found none
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(8));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void many_file_responses_stalled_on_http2_whose_client_left_do_not_hold_the_drain(Transport t) throws Exception {
        server = HardeningServer.start(dir, "write-timeout = 10m");
        for (int round = 0; round < 3; round++) {
            try (H2Connection c = server.open(t, new Http2Settings().initialWindowSize(0))) {
                c.autoWindowUpdate(false);
                for (int i = 0; i < 50; i++) {
                    c.headers(c.newStream(), server.get(t, "/big.bin"), true);
                }
                c.flush();
                c.readFor(Duration.ofSeconds(1));
            }
        }
        long began = System.nanoTime();
        server.close();
        assertThat(server.lines()).noneMatch(line -> line.contains(STILL_RUNNING));
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void http1_clients_that_stop_reading_are_cut_after_the_write_timeout() throws Exception {
        server = HardeningServer.start(dir, "write-timeout = 1s");
        List<Socket> readers = new ArrayList<>();
        try {
            for (String path : PATHS) {
                if (!path.equals("/index.html")) {
                    readers.add(slowReader(path));
                }
            }
            // long enough for every response to fill the socket buffers and sit a second there
            Thread.sleep(6_000);
            for (Socket reader : readers) {
                long got = readToEnd(reader);
                assertThat(got).as("bytes before the server closed").isPositive().isLessThan(HardeningServer.BIG);
            }
        } finally {
            for (Socket reader : readers) {
                reader.close();
            }
        }
        assertThat(RawHttp.get(server.plainPort(), "localhost", "/index.html").status()).isEqualTo(200);
        server.close();
        assertThat(server.lines()).noneMatch(line -> line.contains(STILL_RUNNING));
    }

    @Test
    void exchanges_stalled_on_http1_whose_client_left_do_not_hold_the_drain() throws Exception {
        server = HardeningServer.start(dir, "write-timeout = 10m");
        List<Socket> readers = new ArrayList<>();
        for (String path : PATHS) {
            if (!path.equals("/index.html")) {
                readers.add(slowReader(path));
            }
        }
        Thread.sleep(1_000);
        for (Socket reader : readers) {
            reader.close();
        }
        long began = System.nanoTime();
        server.close();
        assertThat(server.lines()).noneMatch(line -> line.contains(STILL_RUNNING));
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(8));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void a_response_that_pauses_longer_than_the_write_timeout_is_not_cut(Transport t) throws Exception {
        server = HardeningServer.start(dir, "write-timeout = 1s");
        try (H2Connection c = server.open(t)) {
            assertThat(c.get(server.target(), server.endpoint(t), "/app/pause?ms=2500", Duration.ofSeconds(10)).text())
                    .isEqualTo("before after");
        }
        RawHttp h1 = RawHttp.get(server.plainPort(), "localhost", "/app/pause?ms=2500");
        assertThat(h1.body()).contains("before after");
    }

    @Test
    void slowhttptest_slow_read_connections_are_closed_while_others_are_served() throws Exception {
        MissingTools.require("slowhttptest");
        server = HardeningServer.start(dir, "write-timeout = 2s");
        Logger cuts = (Logger) LoggerFactory.getLogger(WriteTimeout.class);
        Level before = cuts.getLevel();
        cuts.setLevel(Level.DEBUG);
        int connections = 40;
        Process attack = new ProcessBuilder("slowhttptest", "-X", "-c", Integer.toString(connections), "-r", "40",
                "-l", "14", "-n", "2", "-w", "10", "-y", "20", "-z", "5", "-k", "1", "-p", "3",
                "-u", "http://127.0.0.1:" + server.plainPort() + "/big.bin")
                .redirectErrorStream(true).redirectOutput(dir.resolve("slowhttptest.out").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
            int served = 0;
            while (System.nanoTime() < deadline && cutCount() < connections) {
                assertThat(RawHttp.get(server.plainPort(), "localhost", "/index.html").status()).isEqualTo(200);
                served++;
                Thread.sleep(500);
            }
            assertThat(cutCount()).as("slow readers cut (see %s)", dir.resolve("slowhttptest.out"))
                    .isGreaterThanOrEqualTo(connections);
            assertThat(served).isPositive();
        } finally {
            cuts.setLevel(before);
            attack.destroy();
            attack.waitFor(10, TimeUnit.SECONDS);
        }
        server.close();
        assertThat(server.lines()).noneMatch(line -> line.contains(STILL_RUNNING));
    }

    private long cutCount() {
        return server.lines().stream().filter(line -> line.contains("no progress writing the response")
                && line.contains("/big.bin")).count();
    }

    /** Opens a stream for each path on a zero window, so each response stalls at once. */
    private List<Integer> stall(H2Connection c, Transport t) {
        List<Integer> streams = new ArrayList<>();
        for (String path : PATHS) {
            int stream = c.newStream();
            streams.add(stream);
            c.headers(stream, server.get(t, path), true);
        }
        c.flush();
        return streams;
    }

    /** A client with a small receive buffer that sends a GET for path and reads nothing. */
    private Socket slowReader(String path) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", server.plainPort()), 5_000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return socket;
    }

    /** Reads until the server closes; fails if it goes on sending or stays open for 20 s. */
    private static long readToEnd(Socket socket) throws IOException {
        socket.setSoTimeout(20_000);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open after " + total + " bytes", e);
        } catch (SocketException e) {
            // reset by the server after it closed: the end as well
        }
        return total;
    }
}
