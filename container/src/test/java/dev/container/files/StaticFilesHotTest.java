package dev.container.files;

import dev.container.config.StaticSpec;
import dev.container.testing.UndertowFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain requests for small settled files answered on the I/O thread ({@link HotFiles}). */
class StaticFilesHotTest {
    private static final List<String> HEADERS = List.of("content-type", "content-length", "etag", "last-modified",
            "accept-ranges", "vary");

    @TempDir
    Path dir;

    private Path root;
    private HotFiles hot;

    private UndertowFixture serve() throws IOException {
        root = Files.createDirectories(dir.resolve("root")).toRealPath();
        SmallFileCache cache = new SmallFileCache(StaticFiles.CACHE_MAX_FILE_BYTES, StaticFiles.CACHE_MAX_TOTAL_BYTES);
        return UndertowFixture.mount("/", StaticFiles.handler(new StaticSpec(root, "/", false), cache,
                files -> hot = new HotFiles(files, StaticFiles.HOT_MAX_TOTAL_BYTES)));
    }

    @Test
    void answers_the_second_plain_get_from_the_table_with_the_same_headers_and_bytes() throws IOException {
        try (var server = serve()) {
            TestSite.settle(TestSite.write(root, "a.css", "body{}"));
            HttpResponse<byte[]> full = server.get("/a.css");
            assertThat(hot.contains("/a.css")).isTrue();
            assertThat(hot.hits()).isZero();

            HttpResponse<byte[]> fast = server.get("/a.css");

            assertThat(hot.hits()).isEqualTo(1);
            assertThat(fast.statusCode()).isEqualTo(200);
            assertThat(new String(fast.body())).isEqualTo("body{}");
            for (String header : HEADERS) {
                assertThat(fast.headers().allValues(header)).as(header).isEqualTo(full.headers().allValues(header));
            }
        }
    }

    @Test
    void sends_a_large_file_from_disk_on_the_io_thread_and_sees_it_replaced() throws IOException {
        try (var server = serve()) {
            byte[] first = TestSite.bytes(StaticFiles.CACHE_MAX_FILE_BYTES * 4);
            Path file = TestSite.settle(TestSite.write(root, "big.bin", first));
            assertThat(server.get("/big.bin").body()).isEqualTo(first);

            HttpResponse<byte[]> fast = server.get("/big.bin");

            assertThat(hot.hits()).isEqualTo(1);
            assertThat(fast.body()).isEqualTo(first);
            assertThat(fast.headers().firstValue("content-length")).hasValue(String.valueOf(first.length));

            byte[] second = TestSite.bytes(StaticFiles.CACHE_MAX_FILE_BYTES * 4 + 1);
            Path replacement = TestSite.write(root, "big.bin.tmp", second);
            Files.move(replacement, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(server.get("/big.bin").body()).isEqualTo(second);
        }
    }

    @Test
    void answers_head_from_the_table_without_a_body() throws IOException {
        try (var server = serve()) {
            TestSite.settle(TestSite.write(root, "a.txt", "0123456789"));
            server.get("/a.txt");

            HttpResponse<byte[]> head = server.send(server.request("/a.txt").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());

            assertThat(hot.hits()).isEqualTo(1);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("content-length")).hasValue("10");
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void leaves_conditional_and_range_requests_to_the_full_path() throws IOException {
        try (var server = serve()) {
            TestSite.settle(TestSite.write(root, "d.txt", "0123456789"));
            String etag = server.get("/d.txt").headers().firstValue("ETag").orElseThrow();

            assertThat(server.get("/d.txt", "If-None-Match", etag).statusCode()).isEqualTo(304);
            assertThat(new String(server.get("/d.txt", "Range", "bytes=3-4").body())).isEqualTo("34");
            assertThat(hot.hits()).isZero();
        }
    }

    @Test
    void sees_a_deleted_file_at_once() throws IOException {
        try (var server = serve()) {
            Path file = TestSite.settle(TestSite.write(root, "gone.txt", "here"));
            server.get("/gone.txt");

            Files.delete(file);

            assertThat(server.get("/gone.txt").statusCode()).isEqualTo(404);
            assertThat(hot.contains("/gone.txt")).isFalse();
        }
    }

    /** Same size and modification time, another inode: the link's new target is served. */
    @Test
    void follows_a_symbolic_link_pointed_at_another_file() throws IOException {
        try (var server = serve()) {
            Path red = TestSite.settle(TestSite.write(root, "red.css", "body{color:red}"));
            Path tan = TestSite.write(root, "tan.css", "body{color:tan}");
            Files.setLastModifiedTime(tan, Files.getLastModifiedTime(red));
            Path link = Files.createSymbolicLink(root.resolve("site.css"), red.getFileName());
            assertThat(new String(server.get("/site.css").body())).isEqualTo("body{color:red}");

            Files.delete(link);
            Files.createSymbolicLink(link, tan.getFileName());

            assertThat(new String(server.get("/site.css").body())).isEqualTo("body{color:tan}");
        }
    }

    @Test
    void refuses_a_symbolic_link_pointed_outside_the_root_after_it_was_served() throws IOException {
        try (var server = serve()) {
            TestSite.settle(TestSite.write(root, "inside.txt", "inside"));
            Path outside = TestSite.settle(TestSite.write(dir, "secret.txt", "secret"));
            Path link = Files.createSymbolicLink(root.resolve("page.txt"), root.resolve("inside.txt"));
            assertThat(new String(server.get("/page.txt").body())).isEqualTo("inside");

            Files.delete(link);
            Files.createSymbolicLink(link, outside);

            assertThat(server.get("/page.txt").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void serves_a_precompressed_sibling_that_appears_later_to_clients_that_accept_it() throws Exception {
        try (var server = serve()) {
            Path file = TestSite.settle(TestSite.write(root, "app.js", "x"));
            server.get("/app.js", "Accept-Encoding", "gzip");
            assertThat(server.get("/app.js", "Accept-Encoding", "gzip").headers().firstValue("content-encoding")).isEmpty();

            TestSite.write(root, "app.js.gz", new byte[] {31, -117, 8, 0, 0, 0, 0, 0, 0, 3, -85, 0, 0, -125, 22, -36, -116, 1, 0, 0, 0});
            Files.setLastModifiedTime(root.resolve("app.js.gz"), Files.getLastModifiedTime(file));
            Thread.sleep(HotFiles.SIBLING_CHECK_MILLIS + 100);

            HttpResponse<byte[]> response = server.get("/app.js", "Accept-Encoding", "gzip");
            assertThat(response.headers().firstValue("content-encoding")).hasValue("gzip");
            assertThat(new String(server.get("/app.js").body())).isEqualTo("x");
        }
    }

    @Test
    void never_keeps_a_gzip_worthy_response_for_clients_that_accept_gzip() throws IOException {
        try (var server = serve()) {
            TestSite.settle(TestSite.write(root, "big.css", TestSite.text(4096)));
            server.get("/big.css");
            assertThat(hot.contains("/big.css")).isTrue();

            HttpResponse<byte[]> gzipped = server.get("/big.css", "Accept-Encoding", "gzip");

            assertThat(gzipped.headers().firstValue("content-encoding")).hasValue("gzip");
            assertThat(hot.hits()).isZero();
        }
    }

    @Test
    void drops_the_eldest_responses_beyond_its_budget() throws IOException {
        HotFiles small = new HotFiles(new FileResolver(dir), 2 * (100 + HotFiles.ENTRY_BYTES) + 50);
        for (String name : List.of("a", "b", "c")) {
            small.remember("/" + name, new HotFiles.Response(new byte[100], "text/plain", "\"e\"",
                    "date", java.nio.file.attribute.FileTime.fromMillis(0), 100, null, false, 0));
        }

        assertThat(small.contains("/a")).isFalse();
        assertThat(small.contains("/b")).isTrue();
        assertThat(small.contains("/c")).isTrue();
    }

    @Test
    void charges_each_response_its_own_overhead_so_empty_files_stay_bounded() {
        HotFiles small = new HotFiles(new FileResolver(dir), 3 * HotFiles.ENTRY_BYTES);
        for (int i = 0; i < 5; i++) {
            small.remember("/empty" + i, new HotFiles.Response(new byte[0], "text/plain", "\"e\"",
                    "date", java.nio.file.attribute.FileTime.fromMillis(0), 0, null, false, 0));
        }

        assertThat(small.contains("/empty0")).isFalse();
        assertThat(small.contains("/empty1")).isFalse();
        assertThat(small.contains("/empty4")).isTrue();
    }
}
