package dev.container.files;

import dev.container.config.StaticSpec;
import dev.container.testing.Protocol;
import dev.container.testing.UndertowFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The behaviours whose framing differs by protocol, over HTTP/1.1 and HTTP/2 alike. */
class StaticFilesProtocolTest {
    private static final String TEXT = TestSite.text(50_000);

    @TempDir
    Path root;

    @BeforeEach
    void site() {
        TestSite.write(root, "big.txt", TEXT);
        TestSite.write(root, "guide/index.html", "<h1>guide</h1>");
    }

    private UndertowFixture serve(Protocol protocol) {
        return UndertowFixture.mount("/docs", StaticFiles.handler(new StaticSpec(root, "/docs", false)), protocol);
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void serves_a_whole_file(Protocol protocol) {
        try (var server = serve(protocol)) {
            server.get("/docs/guide/");
            var response = server.get("/docs/big.txt");

            assertThat(response.version()).isEqualTo(protocol.version());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(TEXT);
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void serves_single_and_multipart_ranges(Protocol protocol) {
        try (var server = serve(protocol)) {
            var single = server.get("/docs/big.txt", "Range", "bytes=100-199");
            var multi = server.get("/docs/big.txt", "Range", "bytes=0-9,40000-40009");

            assertThat(new String(single.body(), StandardCharsets.UTF_8)).isEqualTo(TEXT.substring(100, 200));
            assertThat(multi.statusCode()).isEqualTo(206);
            assertThat(new String(multi.body(), StandardCharsets.UTF_8))
                    .contains(TEXT.substring(0, 10)).contains(TEXT.substring(40000, 40010))
                    .hasSize(Integer.parseInt(multi.headers().firstValue("Content-Length").orElseThrow()));
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void gzips_on_the_fly(Protocol protocol) throws IOException {
        try (var server = serve(protocol)) {
            var response = server.get("/docs/big.txt", "Accept-Encoding", "gzip");

            assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
            try (var in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(TEXT);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void answers_head_without_a_body(Protocol protocol) {
        try (var server = serve(protocol)) {
            HttpResponse<byte[]> head = server.send(server.request("/docs/big.txt").header("Accept-Encoding", "gzip")
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());

            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(head.body()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void answers_304_to_a_matching_etag(Protocol protocol) {
        try (var server = serve(protocol)) {
            String etag = server.get("/docs/big.txt").headers().firstValue("ETag").orElseThrow();

            assertThat(server.get("/docs/big.txt", "If-None-Match", etag).statusCode()).isEqualTo(304);
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void redirects_a_directory_to_its_slash(Protocol protocol) {
        try (var server = serve(protocol)) {
            assertThat(server.get("/docs/guide").headers().firstValue("Location")).hasValue("/docs/guide/");
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void answers_405_to_delete(Protocol protocol) {
        try (var server = serve(protocol)) {
            assertThat(server.send(server.request("/docs/big.txt").DELETE().build()).statusCode()).isEqualTo(405);
        }
    }
}
