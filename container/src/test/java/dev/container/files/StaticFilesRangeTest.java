package dev.container.files;

import dev.container.config.StaticSpec;
import dev.container.testing.UndertowFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class StaticFilesRangeTest {
    private static final String DIGITS = "0123456789abcdefghij";

    @TempDir
    Path root;

    private UndertowFixture serve(Storage storage, String name, byte[] content) {
        storage.prepare(TestSite.write(root, name, content));
        return UndertowFixture.mount("/docs", storage.handler(new StaticSpec(root, "/docs", false)));
    }

    private UndertowFixture serveDigits(Storage storage) {
        return serve(storage, "d.txt", DIGITS.getBytes(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void answers_a_single_range_with_206_and_content_range(Storage storage) {
        try (var server = serveDigits(storage)) {
            var response = server.get("/docs/d.txt", "Range", "bytes=2-5");

            assertThat(response.statusCode()).isEqualTo(206);
            assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 2-5/20");
            assertThat(response.headers().firstValue("Content-Length")).hasValue("4");
            assertThat(new String(response.body())).isEqualTo("2345");
        }
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void answers_a_suffix_range_with_the_last_bytes(Storage storage) {
        try (var server = serveDigits(storage)) {
            var response = server.get("/docs/d.txt", "Range", "bytes=-3");

            assertThat(response.statusCode()).isEqualTo(206);
            assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 17-19/20");
            assertThat(new String(response.body())).isEqualTo("hij");
        }
    }

    @Test
    void announces_byte_ranges() {
        try (var server = serveDigits(Storage.DISK)) {
            assertThat(server.get("/docs/d.txt").headers().firstValue("Accept-Ranges")).hasValue("bytes");
        }
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void answers_multiple_ranges_with_a_multipart_byteranges_body(Storage storage) {
        try (var server = serveDigits(storage)) {
            var response = server.get("/docs/d.txt", "Range", "bytes=0-1, 5-6,-2");

            assertThat(response.statusCode()).isEqualTo(206);
            String boundary = boundary(response);
            String type = "text/plain; charset=utf-8";
            assertThat(new String(response.body(), StandardCharsets.ISO_8859_1)).isEqualTo(
                    part(boundary, type, "bytes 0-1/20", "01")
                            + part(boundary, type, "bytes 5-6/20", "56")
                            + part(boundary, type, "bytes 18-19/20", "ij")
                            + "\r\n--" + boundary + "--\r\n");
            assertThat(response.headers().firstValue("Content-Range")).isEmpty();
        }
    }

    @Test
    void sends_multipart_ranges_of_a_large_file_from_disk() {
        byte[] content = TestSite.bytes(300_000);
        try (var server = serve(Storage.DISK, "big.bin", content)) {
            var response = server.get("/docs/big.bin", "Range", "bytes=10-99999,150000-150009,-70000");

            assertThat(response.statusCode()).isEqualTo(206);
            String boundary = boundary(response);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            String type = "application/octet-stream";
            expected.writeBytes(partHeader(boundary, type, "bytes 10-99999/300000"));
            expected.writeBytes(Arrays.copyOfRange(content, 10, 100_000));
            expected.writeBytes(partHeader(boundary, type, "bytes 150000-150009/300000"));
            expected.writeBytes(Arrays.copyOfRange(content, 150_000, 150_010));
            expected.writeBytes(partHeader(boundary, type, "bytes 230000-299999/300000"));
            expected.writeBytes(Arrays.copyOfRange(content, 230_000, 300_000));
            expected.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertThat(response.body()).isEqualTo(expected.toByteArray());
        }
    }

    @Test
    void merges_overlapping_ranges_into_one() {
        try (var server = serveDigits(Storage.DISK)) {
            var response = server.get("/docs/d.txt", "Range", "bytes=4-6,0-4");

            assertThat(response.statusCode()).isEqualTo(206);
            assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 0-6/20");
            assertThat(new String(response.body())).isEqualTo("0123456");
        }
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void answers_416_with_the_complete_length_for_an_unsatisfiable_range(Storage storage) {
        try (var server = serveDigits(storage)) {
            var response = server.get("/docs/d.txt", "Range", "bytes=20-30,40-");

            assertThat(response.statusCode()).isEqualTo(416);
            assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes */20");
            assertThat(response.body()).isEmpty();
        }
    }

    @Test
    void sends_the_whole_file_for_a_malformed_range() {
        try (var server = serveDigits(Storage.DISK)) {
            var response = server.get("/docs/d.txt", "Range", "bytes=5-2");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(new String(response.body())).isEqualTo(DIGITS);
        }
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void honours_if_range_with_the_current_etag(Storage storage) {
        try (var server = serveDigits(storage)) {
            String etag = server.get("/docs/d.txt").headers().firstValue("ETag").orElseThrow();

            var response = server.get("/docs/d.txt", "Range", "bytes=0-1", "If-Range", etag);

            assertThat(response.statusCode()).isEqualTo(206);
            assertThat(new String(response.body())).isEqualTo("01");
        }
    }

    @Test
    void honours_if_range_with_the_last_modified_date() {
        try (var server = serveDigits(Storage.DISK)) {
            String lastModified = server.get("/docs/d.txt").headers().firstValue("Last-Modified").orElseThrow();

            var response = server.get("/docs/d.txt", "Range", "bytes=0-1", "If-Range", lastModified);

            assertThat(response.statusCode()).isEqualTo(206);
        }
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void sends_the_whole_file_when_if_range_is_stale(Storage storage) {
        try (var server = serveDigits(storage)) {
            var response = server.get("/docs/d.txt", "Range", "bytes=0-1", "If-Range", "\"1-14\"");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(new String(response.body())).isEqualTo(DIGITS);
        }
    }

    /** RFC 9110 §14.2: Range is defined for GET only. */
    @Test
    void ignores_range_on_head() {
        try (var server = serveDigits(Storage.DISK)) {
            var response = server.send(server.request("/docs/d.txt")
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Range", "bytes=0-1").build());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Length")).hasValue("20");
        }
    }

    private static String boundary(HttpResponse<byte[]> response) {
        String contentType = response.headers().firstValue("Content-Type").orElseThrow();
        assertThat(contentType).startsWith("multipart/byteranges; boundary=");
        return contentType.substring("multipart/byteranges; boundary=".length());
    }

    private static String part(String boundary, String type, String contentRange, String bytes) {
        return new String(partHeader(boundary, type, contentRange), StandardCharsets.ISO_8859_1) + bytes;
    }

    private static byte[] partHeader(String boundary, String type, String contentRange) {
        return ("\r\n--" + boundary + "\r\nContent-Type: " + type + "\r\nContent-Range: " + contentRange + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }
}
