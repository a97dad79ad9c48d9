package dev.container.files;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class StaticFilesPathGuardTest {
    @ParameterizedTest
    @ValueSource(strings = {"/..", "/../x", "/a/../b", "..", "/.", "/./a", "/a/.", "/a\\b", "/x\u0000.html", "/a\nb", "/a\u007fb"})
    void refuses_dot_segments_backslashes_and_control_characters(String relativePath) {
        assertThat(PathGuard.isSafe(relativePath)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "/a.txt", "/.well-known/x", "/...", "/a..b", "/..a", "/a./b", "/dir/", "/ü.html", "/a%2fb"})
    void lets_plain_names_through(String relativePath) {
        assertThat(PathGuard.isSafe(relativePath)).isTrue();
    }
}
