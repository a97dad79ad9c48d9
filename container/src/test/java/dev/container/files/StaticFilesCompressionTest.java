package dev.container.files;

import dev.container.config.StaticSpec;
import dev.container.testing.UndertowFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class StaticFilesCompressionTest {
    private static final String CSS = TestSite.text(4000);
    private static final byte[] BROTLI = "pretend these are brotli bytes".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path root;

    private UndertowFixture serve() {
        return serve(Storage.DISK);
    }

    private UndertowFixture serve(Storage storage) {
        return UndertowFixture.mount("/", storage.handler(new StaticSpec(root, "/", false)));
    }

    @Test
    void sends_files_as_they_are_when_the_mount_turns_compression_off() {
        TestSite.write(root, "x.css", CSS);
        TestSite.write(root, "x.css.br", BROTLI);
        TestSite.write(root, "y.css", CSS);
        StaticSpec plain = new StaticSpec(root, "/", false, java.util.List.of(), java.util.Optional.empty(), false);
        try (var server = UndertowFixture.mount("/", Storage.MEMORY.handler(plain))) {
            for (String file : java.util.List.of("/x.css", "/y.css", "/y.css")) {
                var response = server.get(file, "Accept-Encoding", "gzip, br");

                assertThat(response.headers().firstValue("Content-Encoding")).as(file).isEmpty();
                assertThat(new String(response.body(), StandardCharsets.UTF_8)).as(file).isEqualTo(CSS);
            }
        }
    }

    @Test
    void serves_precompressed_brotli_sibling_when_accepted() {
        TestSite.write(root, "x.css", CSS);
        TestSite.write(root, "x.css.br", BROTLI);
        try (var server = serve()) {
            var response = server.get("/x.css", "Accept-Encoding", "gzip, deflate, br");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Encoding")).hasValue("br");
            assertThat(response.headers().firstValue("Vary")).hasValue("Accept-Encoding");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
            assertThat(response.body()).isEqualTo(BROTLI);
        }
    }

    @Test
    void serves_precompressed_gzip_sibling_as_it_is_when_only_gzip_is_accepted() {
        TestSite.write(root, "x.css", CSS);
        TestSite.write(root, "x.css.br", BROTLI);
        byte[] gz = gzip(CSS);
        TestSite.write(root, "x.css.gz", gz);
        try (var server = serve()) {
            var response = server.get("/x.css", "Accept-Encoding", "gzip");

            assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(response.body()).isEqualTo(gz); // byte for byte: not compressed a second time
            assertThat(gunzip(response.body())).isEqualTo(CSS);
        }
    }

    @Test
    void prefers_the_coding_with_the_higher_qvalue() {
        TestSite.write(root, "x.css", CSS);
        TestSite.write(root, "x.css.br", BROTLI);
        TestSite.write(root, "x.css.gz", gzip(CSS));
        try (var server = serve()) {
            var response = server.get("/x.css", "Accept-Encoding", "br;q=0.5, gzip");

            assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
        }
    }

    @Test
    void gives_each_encoding_its_own_etag() {
        TestSite.write(root, "x.css", CSS);
        TestSite.write(root, "x.css.br", BROTLI);
        try (var server = serve()) {
            String identity = server.get("/x.css").headers().firstValue("ETag").orElseThrow();
            String brotli = server.get("/x.css", "Accept-Encoding", "br").headers().firstValue("ETag").orElseThrow();

            assertThat(brotli).isNotEqualTo(identity).doesNotStartWith("W/");
        }
    }

    @Test
    void serves_the_precompressed_files_themselves_without_content_encoding() {
        TestSite.write(root, "x.css", CSS);
        TestSite.write(root, "x.css.br", BROTLI);
        byte[] gz = gzip(CSS);
        TestSite.write(root, "x.css.gz", gz);
        try (var server = serve()) {
            var brotli = server.get("/x.css.br", "Accept-Encoding", "br, gzip");
            var gzipped = server.get("/x.css.gz", "Accept-Encoding", "br, gzip");

            assertThat(brotli.statusCode()).isEqualTo(200);
            assertThat(brotli.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(brotli.body()).isEqualTo(BROTLI);
            assertThat(gzipped.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(gzipped.headers().firstValue("Content-Type")).hasValue("application/gzip");
            assertThat(gzipped.body()).isEqualTo(gz);
        }
    }

    @Test
    void passes_over_a_precompressed_sibling_older_than_its_original() throws IOException {
        TestSite.write(root, "x.css", CSS);
        Path stale = TestSite.write(root, "x.css.br", BROTLI);
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(3600)));
        try (var server = serve()) {
            var response = server.get("/x.css", "Accept-Encoding", "br");

            assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(CSS);
        }
    }

    @Test
    void serves_a_precompressed_welcome_file() {
        TestSite.write(root, "index.html", CSS);
        TestSite.write(root, "index.html.br", BROTLI);
        try (var server = serve()) {
            var response = server.get("/", "Accept-Encoding", "br");

            assertThat(response.headers().firstValue("Content-Encoding")).hasValue("br");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(response.body()).isEqualTo(BROTLI);
        }
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void gzips_a_compressible_file_on_the_fly(Storage storage) {
        storage.prepare(TestSite.write(root, "app.js", CSS));
        try (var server = serve(storage)) {
            var response = server.get("/app.js", "Accept-Encoding", "gzip");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(response.headers().firstValue("Vary")).hasValue("Accept-Encoding");
            assertThat(response.headers().firstValue("ETag")).hasValueSatisfying(etag -> assertThat(etag).startsWith("W/\""));
            assertThat(response.body().length).isLessThan(CSS.length() / 2);
            assertThat(gunzip(response.body())).isEqualTo(CSS);
        }
    }

    @Test
    void does_not_gzip_a_file_below_the_threshold() {
        String small = TestSite.text((int) FileHandler.GZIP_MIN_BYTES - 1);
        TestSite.write(root, "small.js", small);
        try (var server = serve()) {
            var response = server.get("/small.js", "Accept-Encoding", "gzip");

            assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(small);
        }
    }

    @Test
    void does_not_gzip_an_incompressible_type() {
        TestSite.write(root, "photo.png", TestSite.bytes(5000));
        try (var server = serve()) {
            var response = server.get("/photo.png", "Accept-Encoding", "gzip");

            assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(response.body()).isEqualTo(TestSite.bytes(5000));
        }
    }

    @Test
    void does_not_gzip_a_range_response() {
        TestSite.write(root, "app.js", CSS);
        try (var server = serve()) {
            var response = server.get("/app.js", "Accept-Encoding", "gzip", "Range", "bytes=0-1999");

            assertThat(response.statusCode()).isEqualTo(206);
            assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(CSS.substring(0, 2000));
        }
    }

    @Test
    void does_not_gzip_when_the_client_refuses_gzip() {
        TestSite.write(root, "app.js", CSS);
        try (var server = serve()) {
            var response = server.get("/app.js", "Accept-Encoding", "gzip;q=0, identity");

            assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
        }
    }

    @Test
    void sets_vary_accept_encoding_when_the_client_sends_no_accept_encoding() {
        TestSite.write(root, "app.js", CSS);
        try (var server = serve()) {
            var response = server.get("/app.js");

            assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(response.headers().firstValue("Vary")).hasValue("Accept-Encoding");
        }
    }

    @Test
    void answers_304_to_the_weak_etag_of_a_gzipped_response() {
        TestSite.write(root, "app.js", CSS);
        try (var server = serve()) {
            String etag = server.get("/app.js", "Accept-Encoding", "gzip").headers().firstValue("ETag").orElseThrow();

            var response = server.get("/app.js", "Accept-Encoding", "gzip", "If-None-Match", etag);

            assertThat(response.statusCode()).isEqualTo(304);
        }
    }

    @Test
    void answers_head_for_a_gzipped_file_with_the_encoding_and_no_length() {
        TestSite.write(root, "app.js", CSS);
        try (var server = serve()) {
            HttpResponse<byte[]> head = server.send(server.request("/app.js").header("Accept-Encoding", "gzip")
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());

            assertThat(head.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(head.headers().firstValue("Content-Length")).isEmpty();
            assertThat(head.body()).isEmpty();
        }
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String gunzip(byte[] gzipped) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
