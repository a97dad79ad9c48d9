package dev.container.files;

import dev.container.config.StaticSpec;
import dev.container.testing.UndertowFixture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class StaticFilesContentTypeTest {
    @TempDir
    Path root;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "index.html   | text/html; charset=utf-8",
            "site.css     | text/css; charset=utf-8",
            "app.js       | text/javascript; charset=utf-8",
            "module.mjs   | text/javascript; charset=utf-8",
            "notes.txt    | text/plain; charset=utf-8",
            "data.json    | application/json",
            "logo.svg     | image/svg+xml",
            "photo.webp   | image/webp",
            "photo.avif   | image/avif",
            "photo.PNG    | image/png",
            "font.woff2   | font/woff2",
            "app.wasm     | application/wasm",
            "site.webmanifest | application/manifest+json",
            "archive.gz   | application/gzip",
            "app.js.br    | application/octet-stream",
            "README       | application/octet-stream",
            "blob.unknown | application/octet-stream"})
    void sends_the_content_type_for_the_extension(String name, String contentType) {
        TestSite.write(root, name, "x");
        try (var server = UndertowFixture.mount("/", StaticFiles.handler(new StaticSpec(root, "/", false)))) {
            var response = server.get("/" + name);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue(contentType);
        }
    }
}
