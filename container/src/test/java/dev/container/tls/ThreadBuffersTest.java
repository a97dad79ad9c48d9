package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.config.CertSpec;
import dev.container.config.TlsProfile;
import dev.container.config.TlsProvider;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's Conscrypt engines (as {@link TlsContext} makes them) against the JDK's client engine,
 * in memory: what a connection sends and receives arrives whole and in order when the server
 * wraps several buffers at once and reads into heap buffers, and the engines keep no direct buffer
 * of their own afterwards (Conscrypt's would be 16 KiB each, for as long as the connection lives).
 */
class ThreadBuffersTest {
    @TempDir
    Path dir;

    private SSLContext server;
    private SSLContext client;

    @BeforeEach
    void contexts() throws Exception {
        var cert = TestCerts.write(dir, "a", "EC", "localhost");
        CertificateStore store = new CertificateStore(List.of(new CertSpec(cert.cert(), cert.key())));
        server = TlsContext.build(store, TlsProvider.CONSCRYPT, TlsProfile.INTERMEDIATE,
                new OcspStaples(store, dir.resolve("ocsp"))).sslContext();
        client = TestCerts.trusting(cert.certificate());
    }

    @Test
    void a_wrap_of_several_buffers_sends_every_byte_in_order_and_consumes_what_it_sent() throws Exception {
        Pair pair = new Pair();
        byte[] head = bytes(9, 1);
        byte[] body = bytes(40_000, 2); // more than two records
        byte[] tail = bytes(100, 3);
        ByteBuffer[] srcs = {ByteBuffer.allocateDirect(head.length).put(head).flip(), ByteBuffer.wrap(body),
                ByteBuffer.allocate(0), ByteBuffer.wrap(tail)};

        byte[] received = pair.serverSends(srcs);

        assertThat(received).isEqualTo(concat(head, body, tail));
        assertThat(srcs).allSatisfy(b -> assertThat(b.hasRemaining()).isFalse());
    }

    @Test
    void a_request_read_into_a_heap_buffer_arrives_whole() throws Exception {
        Pair pair = new Pair();
        byte[] request = bytes(20_000, 4);

        assertThat(pair.clientSends(request)).isEqualTo(request);
    }

    @Test
    void connections_that_answered_keep_no_direct_buffer_of_their_own() throws Exception {
        List<Pair> held = new ArrayList<>();
        new Pair().serverSends(frame()); // this thread's buffers, allocated once
        long before = directBytes();

        for (int i = 0; i < 100; i++) {
            Pair pair = new Pair();
            pair.clientSends(bytes(300, i));
            pair.serverSends(frame());
            held.add(pair);
        }

        assertThat(directBytes() - before).as("direct bytes for %d connections", held.size())
                .isLessThan(100 * 1024);
    }

    /** An HTTP/2 DATA frame as Undertow writes it: a direct header, then a heap payload. */
    private static ByteBuffer[] frame() {
        return new ByteBuffer[] {ByteBuffer.allocateDirect(9).put(bytes(9, 7)).flip(), ByteBuffer.wrap(bytes(1024, 8))};
    }

    private static long directBytes() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer all = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            all.put(p);
        }
        return all.array();
    }

    /** A server engine and a client engine, handshaken through heap buffers. */
    private final class Pair {
        final SSLEngine serverEngine = server.createSSLEngine();
        final SSLEngine clientEngine = client.createSSLEngine("localhost", 443);
        final ByteBuffer toClient = ByteBuffer.allocate(64 * 1024);
        final ByteBuffer toServer = ByteBuffer.allocate(64 * 1024);

        Pair() throws Exception {
            clientEngine.setUseClientMode(true);
            clientEngine.beginHandshake();
            serverEngine.beginHandshake();
            ByteBuffer ignored = ByteBuffer.allocate(64 * 1024);
            ByteBuffer empty = ByteBuffer.allocate(0);
            // a few rounds more than TLS 1.3 needs, so that the server's session tickets are read too
            for (int i = 0; i < 6; i++) {
                step(clientEngine, empty, toServer, ignored);
                step(serverEngine, empty, toClient, ignored);
            }
            assertThat(clientEngine.getHandshakeStatus()).isEqualTo(HandshakeStatus.NOT_HANDSHAKING);
            assertThat(serverEngine.getHandshakeStatus()).isEqualTo(HandshakeStatus.NOT_HANDSHAKING);
            assertThat(clientEngine.getSession().getProtocol()).startsWith("TLSv1");
        }

        /** One engine wraps what it wants to send into out, and unwraps what the other sent it. */
        private void step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer app) throws Exception {
            ByteBuffer in = e == serverEngine ? toServer : toClient;
            in.flip();
            for (int i = 0; i < 20 && in.hasRemaining(); i++) {
                SSLEngineResult r = e.unwrap(in, app);
                runTasks(e);
                if (r.bytesConsumed() == 0) {
                    break;
                }
            }
            in.compact();
            for (int i = 0; i < 20 && e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
                e.wrap(empty, out);
                runTasks(e);
            }
        }

        private void runTasks(SSLEngine e) {
            Runnable task;
            while ((task = e.getDelegatedTask()) != null) {
                task.run();
            }
        }

        /** The server wraps srcs until they are sent; what the client reads of it. */
        byte[] serverSends(ByteBuffer[] srcs) throws Exception {
            ByteBuffer got = ByteBuffer.allocate(128 * 1024);
            for (int i = 0; i < 20 && java.util.Arrays.stream(srcs).anyMatch(ByteBuffer::hasRemaining); i++) {
                SSLEngineResult r = serverEngine.wrap(srcs, toClient);
                assertThat(r.getStatus()).isEqualTo(SSLEngineResult.Status.OK);
                assertThat(r.bytesConsumed()).isPositive();
                toClient.flip();
                for (int j = 0; j < 20 && toClient.hasRemaining(); j++) {
                    assertThat(clientEngine.unwrap(toClient, got).getStatus()).isEqualTo(SSLEngineResult.Status.OK);
                }
                toClient.clear();
            }
            return java.util.Arrays.copyOf(got.array(), got.position());
        }

        /** The client sends request; what the server reads of it into a heap buffer. */
        byte[] clientSends(byte[] request) throws Exception {
            ByteBuffer src = ByteBuffer.wrap(request);
            for (int i = 0; i < 20 && src.hasRemaining(); i++) {
                assertThat(clientEngine.wrap(src, toServer).bytesConsumed()).isPositive();
            }
            toServer.flip();
            ByteBuffer got = ByteBuffer.allocate(request.length + 1024);
            for (int i = 0; i < 20 && toServer.hasRemaining(); i++) {
                assertThat(serverEngine.unwrap(toServer, got).getStatus()).isEqualTo(SSLEngineResult.Status.OK);
            }
            toServer.clear();
            return java.util.Arrays.copyOf(got.array(), got.position());
        }
    }
}
