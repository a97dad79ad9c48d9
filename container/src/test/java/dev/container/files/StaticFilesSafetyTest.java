package dev.container.files;

import dev.container.config.StaticSpec;
import dev.container.testing.UndertowFixture;
import io.undertow.UndertowOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing outside the root is ever served. Raw request targets go through a socket so that
 * dot segments and encodings reach the server exactly as an attacker would send them.
 */
class StaticFilesSafetyTest {
    private static final String SECRET = "TOP SECRET";
    private static final List<String> ATTACKS = List.of(
            "/../secret", "/%2e%2e/secret", "/%2E%2E%2Fsecret", "/..%2fsecret", "/a/../../secret",
            "/x%00.html", "/%5c..%5csecret", "/a/%2e%2e/%2e%2e/secret", "/a/..%5c..%5csecret", "//etc/passwd");

    @TempDir
    Path dir;
    Path root;

    @BeforeEach
    void site() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        TestSite.write(root, "a/page.html", "<p>page</p>");
        Files.writeString(dir.resolve("secret"), SECRET);
    }

    static Stream<Arguments> attacks() {
        return Stream.of("/", "/docs").flatMap(mount -> ATTACKS.stream()
                .map(attack -> Arguments.of(mount, (mount.equals("/") ? "" : mount) + attack)));
    }

    @ParameterizedTest(name = "{1} at mount {0}")
    @MethodSource("attacks")
    void refuses_paths_that_climb_out_of_the_root_with_404(String mount, String target) {
        try (var server = UndertowFixture.mount(mount, StaticFiles.handler(new StaticSpec(root, mount, false)))) {
            var response = server.raw(target);

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.text()).doesNotContain(SECRET);
        }
    }

    /**
     * Undertow's request parser rejects an unescaped backslash in the request target with 400
     * before any handler runs (UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL is false by
     * default), so a handler cannot turn this one into a 404. It is refused all the same.
     */
    @Test
    void raw_backslash_is_refused_by_undertows_parser_with_400() {
        try (var server = UndertowFixture.mount("/", StaticFiles.handler(new StaticSpec(root, "/", false)))) {
            var response = server.raw("/..\\secret");

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.text()).doesNotContain(SECRET);
        }
    }

    @Test
    void raw_backslash_gets_404_where_the_parser_lets_it_through() {
        var handler = StaticFiles.handler(new StaticSpec(root, "/", false));
        try (var server = UndertowFixture.mount("/", handler,
                builder -> builder.setServerOption(UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL, true))) {
            var response = server.raw("/..\\secret");

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.text()).doesNotContain(SECRET);
        }
    }

    @Test
    void refuses_a_symlink_that_points_outside_the_root() throws IOException {
        Files.createSymbolicLink(root.resolve("leak.txt"), dir.resolve("secret"));
        try (var server = UndertowFixture.mount("/", StaticFiles.handler(new StaticSpec(root, "/", false)))) {
            var response = server.get("/leak.txt");

            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(new String(response.body())).doesNotContain(SECRET);
        }
    }

    @Test
    void refuses_a_symlinked_directory_that_points_outside_the_root() throws IOException {
        Files.createSymbolicLink(root.resolve("outside"), dir);
        try (var server = UndertowFixture.mount("/", StaticFiles.handler(new StaticSpec(root, "/", false)))) {
            assertThat(server.get("/outside/secret").statusCode()).isEqualTo(404);
        }
    }

    /** A string prefix check would pass /tmp/x/root-evil as "under" /tmp/x/root. */
    @Test
    void refuses_a_symlink_into_a_sibling_directory_whose_name_starts_like_the_root() throws IOException {
        Path evil = TestSite.write(dir, "root-evil/secret", SECRET);
        Files.createSymbolicLink(root.resolve("leak.txt"), evil);
        try (var server = UndertowFixture.mount("/", StaticFiles.handler(new StaticSpec(root, "/", false)))) {
            assertThat(server.get("/leak.txt").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void serves_a_symlink_that_points_to_a_file_inside_the_root() throws IOException {
        Files.createSymbolicLink(root.resolve("alias.html"), root.resolve("a/page.html"));
        try (var server = UndertowFixture.mount("/", StaticFiles.handler(new StaticSpec(root, "/", false)))) {
            var response = server.get("/alias.html");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(new String(response.body())).isEqualTo("<p>page</p>");
        }
    }

    /** Reading a FIFO would block a worker thread until something writes to it. */
    @Test
    void answers_404_for_a_named_pipe() throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("pipe").toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        try (var server = UndertowFixture.mount("/", StaticFiles.handler(new StaticSpec(root, "/", false)))) {
            assertThat(server.get("/pipe").statusCode()).isEqualTo(404);
        }
    }
}
