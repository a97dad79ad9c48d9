package dev.container.files;

import dev.container.config.StaticSpec;
import dev.container.testing.UndertowFixture;
import io.undertow.server.HttpHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.StreamSinkConduit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Large files reach the connection as a FileChannel, which a plain HTTP connection turns into
 * FileChannel.transferTo (sendfile). A conduit installed first, so directly above the
 * connection's own, counts the bytes handed down that way: any layer of ours that copied
 * through buffers (cache, gzip) would show as zero.
 */
class StaticFilesZeroCopyTest {
    private static final int LARGE = 1024 * 1024;

    @TempDir
    Path root;

    private final AtomicLong transferred = new AtomicLong();

    private UndertowFixture serve(SmallFileCache cache) {
        HttpHandler files = StaticFiles.handler(new StaticSpec(root, "/", false), cache);
        HttpHandler counting = exchange -> {
            exchange.addResponseWrapper((factory, ignored) -> new AbstractStreamSinkConduit<StreamSinkConduit>(factory.create()) {
                @Override
                public long transferFrom(FileChannel src, long position, long count) throws IOException {
                    long sent = super.transferFrom(src, position, count);
                    transferred.addAndGet(sent);
                    return sent;
                }
            });
            files.handleRequest(exchange);
        };
        return UndertowFixture.mount("/", counting);
    }

    private static SmallFileCache cache() {
        return new SmallFileCache(StaticFiles.CACHE_MAX_FILE_BYTES, StaticFiles.CACHE_MAX_TOTAL_BYTES);
    }

    @Test
    void sends_a_large_file_as_a_file_transfer() {
        TestSite.settle(TestSite.write(root, "movie.mp4", TestSite.bytes(LARGE)));
        try (var server = serve(cache())) {
            var response = server.get("/movie.mp4", "Accept-Encoding", "gzip, br");

            assertThat(response.body()).isEqualTo(TestSite.bytes(LARGE));
            assertThat(transferred.get()).isPositive();
        }
    }

    @Test
    void sends_a_large_compressible_file_as_a_file_transfer_when_the_client_takes_no_gzip() {
        TestSite.settle(TestSite.write(root, "log.txt", TestSite.text(LARGE)));
        try (var server = serve(cache())) {
            var response = server.get("/log.txt");

            assertThat(response.body()).hasSize(LARGE);
            assertThat(transferred.get()).isPositive();
        }
    }

    @Test
    void sends_a_cached_small_file_from_memory() {
        Path file = TestSite.settle(TestSite.write(root, "logo.png", TestSite.bytes(10_000)));
        SmallFileCache cache = cache();
        try (var server = serve(cache)) {
            var response = server.get("/logo.png");

            assertThat(response.body()).isEqualTo(TestSite.bytes(10_000));
            assertThat(cache.contains(file.toRealPath())).isTrue();
            assertThat(transferred.get()).isZero();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
