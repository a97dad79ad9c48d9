package dev.container.files;

import dev.container.config.StaticSpec;
import dev.container.testing.UndertowFixture;
import io.undertow.util.DateUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;

class StaticFilesConditionalTest {
    @TempDir
    Path root;

    private UndertowFixture serve(Storage storage, String name, String content) {
        storage.prepare(TestSite.write(root, name, content));
        return UndertowFixture.mount("/docs", storage.handler(new StaticSpec(root, "/docs", false)));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void sends_etag_and_last_modified(Storage storage) throws IOException {
        try (var server = serve(storage, "a.txt", "hello")) {
            var response = server.get("/docs/a.txt");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("ETag")).hasValueSatisfying(etag -> assertThat(etag).matches("\"[0-9a-f]+-5\""));
            Date modified = new Date(Files.getLastModifiedTime(root.resolve("a.txt")).toMillis());
            assertThat(response.headers().firstValue("Last-Modified")).hasValue(DateUtils.toDateString(modified));
        }
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void answers_304_to_if_none_match_with_the_current_etag(Storage storage) {
        try (var server = serve(storage, "a.txt", "hello")) {
            String etag = server.get("/docs/a.txt").headers().firstValue("ETag").orElseThrow();

            var response = server.get("/docs/a.txt", "If-None-Match", "\"other\", " + etag);

            assertThat(response.statusCode()).isEqualTo(304);
            assertThat(response.body()).isEmpty();
            assertThat(response.headers().firstValue("ETag")).hasValue(etag);
        }
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void answers_304_to_if_modified_since_at_last_modified(Storage storage) {
        try (var server = serve(storage, "a.txt", "hello")) {
            String lastModified = server.get("/docs/a.txt").headers().firstValue("Last-Modified").orElseThrow();

            assertThat(server.get("/docs/a.txt", "If-Modified-Since", lastModified).statusCode()).isEqualTo(304);
        }
    }

    @Test
    void answers_200_to_if_modified_since_before_last_modified() {
        try (var server = serve(Storage.DISK, "a.txt", "hello")) {
            var response = server.get("/docs/a.txt", "If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(new String(response.body())).isEqualTo("hello");
        }
    }

    @Test
    void if_none_match_overrides_if_modified_since() {
        try (var server = serve(Storage.DISK, "a.txt", "hello")) {
            String lastModified = server.get("/docs/a.txt").headers().firstValue("Last-Modified").orElseThrow();

            var response = server.get("/docs/a.txt", "If-None-Match", "\"stale\"", "If-Modified-Since", lastModified);

            assertThat(response.statusCode()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void answers_200_with_a_new_etag_once_the_file_changed(Storage storage) throws IOException {
        try (var server = serve(storage, "a.txt", "hello")) {
            String etag = server.get("/docs/a.txt").headers().firstValue("ETag").orElseThrow();
            Files.writeString(root.resolve("a.txt"), "hello, world");

            var response = server.get("/docs/a.txt", "If-None-Match", etag);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(new String(response.body())).isEqualTo("hello, world");
            assertThat(response.headers().firstValue("ETag")).isNotEqualTo(etag);
        }
    }

    @Test
    void answers_412_to_if_match_with_another_etag() {
        try (var server = serve(Storage.DISK, "a.txt", "hello")) {
            assertThat(server.get("/docs/a.txt", "If-Match", "\"other\"").statusCode()).isEqualTo(412);
        }
    }

    @Test
    void answers_412_to_if_unmodified_since_before_last_modified() {
        try (var server = serve(Storage.DISK, "a.txt", "hello")) {
            var response = server.get("/docs/a.txt", "If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT");

            assertThat(response.statusCode()).isEqualTo(412);
        }
    }
}
