package dev.container.files;

import dev.container.config.StaticSpec;
import dev.container.testing.UndertowFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StaticFilesDirectoryTest {
    @TempDir
    Path dir;
    Path root;

    @BeforeEach
    void site() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        TestSite.write(root, "index.html", "<h1>home</h1>");
        TestSite.write(root, "guide/index.html", "<h1>guide</h1>");
        TestSite.write(root, "files/report.txt", "report");
        Files.createDirectories(root.resolve("files/old"));
    }

    private UndertowFixture docs(boolean listing) {
        return UndertowFixture.mount("/docs", StaticFiles.handler(new StaticSpec(root, "/docs", listing)));
    }

    @Test
    void serves_index_html_for_a_directory() {
        try (var server = docs(false)) {
            var response = server.get("/docs/guide/");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(new String(response.body())).isEqualTo("<h1>guide</h1>");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        }
    }

    @Test
    void serves_index_html_for_the_mount_itself() {
        try (var server = docs(false)) {
            assertThat(new String(server.get("/docs/").body())).isEqualTo("<h1>home</h1>");
        }
    }

    @Test
    void serves_index_html_at_a_root_mount() {
        try (var server = UndertowFixture.mount("/", StaticFiles.handler(new StaticSpec(root, "/", false)))) {
            var response = server.get("/");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(new String(response.body())).isEqualTo("<h1>home</h1>");
        }
    }

    @Test
    void redirects_the_bare_mount_prefix_to_its_slash() {
        try (var server = docs(false)) {
            var response = server.get("/docs");

            assertThat(response.statusCode()).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).hasValue("/docs/");
        }
    }

    @Test
    void redirects_a_directory_without_its_slash_keeping_the_query() {
        try (var server = docs(false)) {
            var response = server.get("/docs/guide?lang=en");

            assertThat(response.statusCode()).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).hasValue("/docs/guide/?lang=en");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/docs/files/", "/docs/files"})
    void answers_404_for_a_directory_without_index_when_listing_is_off(String path) {
        try (var server = docs(false)) {
            assertThat(server.get(path).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void lists_a_directory_without_index_when_listing_is_on() {
        try (var server = docs(true)) {
            var response = server.get("/docs/files/");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(new String(response.body()))
                    .contains("<a href=\"./report.txt\">report.txt</a>")
                    .contains("<a href=\"./old/\">old/</a>")
                    .contains("<a href=\"../\">");
        }
    }

    @Test
    void redirects_a_listed_directory_without_its_slash() {
        try (var server = docs(true)) {
            var response = server.get("/docs/files");

            assertThat(response.statusCode()).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).hasValue("/docs/files/");
        }
    }

    @Test
    void escapes_names_in_a_directory_listing() {
        TestSite.write(root, "files/<img src=x onerror=alert(1)>.txt", "x");
        try (var server = docs(true)) {
            String page = new String(server.get("/docs/files/").body());

            assertThat(page).doesNotContain("<img").contains("&lt;img src=x onerror=alert(1)&gt;.txt")
                    .contains("href=\"./%3Cimg%20src=x%20onerror=alert(1)%3E.txt\"");
        }
    }

    @Test
    void refuses_to_build_a_handler_for_a_missing_root() {
        StaticSpec missing = new StaticSpec(dir.resolve("missing"), "/docs", false);

        assertThatThrownBy(() -> StaticFiles.handler(missing))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("missing");
    }

    @Test
    void answers_404_for_a_missing_file() {
        try (var server = docs(true)) {
            assertThat(server.get("/docs/missing.html").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void answers_404_for_a_file_path_with_a_trailing_slash() {
        try (var server = docs(true)) {
            assertThat(server.get("/docs/files/report.txt/").statusCode()).isEqualTo(404);
        }
    }
}
