package dev.container.files;

import dev.container.config.StaticSpec;
import dev.container.testing.UndertowFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class StaticFilesMethodTest {
    @TempDir
    Path root;

    private UndertowFixture serve() {
        TestSite.write(root, "a.txt", "hello");
        return UndertowFixture.mount("/docs", StaticFiles.handler(new StaticSpec(root, "/docs", false)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"})
    void answers_405_with_allow_to_other_methods(String method) {
        try (var server = serve()) {
            var response = server.send(server.request("/docs/a.txt")
                    .method(method, HttpRequest.BodyPublishers.ofString("x")).build());

            assertThat(response.statusCode()).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
            assertThat(response.body()).isEmpty();
        }
    }

    @Test
    void answers_head_with_the_headers_of_get_and_no_body() {
        try (var server = serve()) {
            var get = server.get("/docs/a.txt");
            var head = server.send(server.request("/docs/a.txt").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());

            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            for (String name : new String[]{"Content-Length", "Content-Type", "ETag", "Last-Modified", "Vary"}) {
                assertThat(head.headers().firstValue(name)).as(name).isPresent().isEqualTo(get.headers().firstValue(name));
            }
        }
    }

    @Test
    void every_answer_of_a_mount_says_nosniff_and_names_no_server_software() {
        try (var server = serve()) {
            for (var response : java.util.List.of(server.get("/docs/a.txt"), server.get("/docs/a.txt"), server.get("/docs/missing"),
                    server.send(server.request("/docs/a.txt").method("POST", HttpRequest.BodyPublishers.ofString("x")).build()))) {
                assertThat(response.headers().firstValue("X-Content-Type-Options")).as(response.uri() + " " + response.statusCode())
                        .hasValue("nosniff");
                assertThat(response.headers().firstValue("Server")).isEmpty();
            }
        }
    }
}
