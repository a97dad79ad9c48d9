package dev.container.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class MissingToolsTest {
    @Test
    void a_program_that_is_not_installed_becomes_a_skip_naming_its_debian_package() {
        IOException failure = null;
        try {
            new ProcessBuilder("h2load-not-here", "--version").start();
        } catch (IOException e) {
            failure = e;
        }
        assertThat(failure).isNotNull();
        Throwable translated = MissingTools.translate(new RuntimeException("wrapped", failure));
        assertThat(translated).isInstanceOf(TestAbortedException.class)
                .hasMessage("h2load-not-here is not installed");
        assertThat(MissingTools.missing("/usr/bin/h2load")).isEqualTo("h2load is not installed (Debian package nghttp2-client)");
    }

    @Test
    void other_failures_stay_failures() {
        var io = new IOException("Connection refused");
        assertThat(MissingTools.translate(io)).isSameAs(io);
        var assertion = new AssertionError("expected 200");
        assertThat(MissingTools.translate(assertion)).isSameAs(assertion);
    }

    @Test
    void require_skips_unless_the_program_is_on_the_path() {
        assertThat(MissingTools.installed("java") || MissingTools.installed("sh")).isTrue();
        assertThatThrownBy(() -> MissingTools.require("pebble-not-here")).isInstanceOf(TestAbortedException.class)
                .hasMessage("pebble-not-here is not installed");
    }
}
