package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections the client drops right after the handshake (openssl s_time -new does, as many real
 * clients) give back Conscrypt's native state and its pipe at once, not at the next GC: before,
 * the server ran out of file descriptors under sustained handshakes.
 */
class ConnectionResourcesTest {
    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void dropped_connections_do_not_keep_file_descriptors_until_a_gc() throws Exception {
        var cert = TestCerts.write(dir, "localhost", "EC", "localhost");
        server = TestServer.startWith(dir.resolve("state"), p -> p.https("127.0.0.1:0").cert(cert.cert(), cert.key())
                .staticDir(dir.toString(), false).tlsProvider("conscrypt"));
        long before = pipes();

        Process sTime = new ProcessBuilder("openssl", "s_time", "-connect", "127.0.0.1:" + server.port(), "-new",
                "-time", "2").redirectErrorStream(true).start();
        String said = new String(sTime.getInputStream().readAllBytes());
        assertThat(sTime.waitFor(60, TimeUnit.SECONDS)).isTrue();
        int connections = Integer.parseInt(said.lines().filter(l -> l.contains("connections in")).findFirst()
                .orElseThrow(() -> new AssertionError(said)).split(" ")[0]);

        assertThat(connections).as(said).isGreaterThan(100);
        assertThat(pipes() - before).as("pipes left open after %d connections", connections).isLessThan(50);
    }

    /** The open pipes of this JVM, the server's included: Conscrypt opens one per connection. */
    private static long pipes() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("pipe:");
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }
}
