package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebAppClassLoaderTest {
    @Test
    void platform_and_container_classes_are_loaded_parent_first() {
        assertThat(WebAppClassLoader.parentFirst("java.lang.String")).isTrue();
        assertThat(WebAppClassLoader.parentFirst("javax.xml.parsers.DocumentBuilder")).isTrue();
        assertThat(WebAppClassLoader.parentFirst("org.w3c.dom.Node")).isTrue();
        assertThat(WebAppClassLoader.parentFirst("jakarta.servlet.http.HttpServlet")).isTrue();
        assertThat(WebAppClassLoader.parentFirst("io.undertow.server.HttpHandler")).isTrue();
    }

    @Test
    void application_libraries_are_loaded_child_first() {
        assertThat(WebAppClassLoader.parentFirst("org.slf4j.Logger")).isFalse();
        assertThat(WebAppClassLoader.parentFirst("com.fasterxml.jackson.databind.ObjectMapper")).isFalse();
        assertThat(WebAppClassLoader.parentFirst("javax.inject.Inject")).isFalse();
        assertThat(WebAppClassLoader.parentFirst("jakarta.ws.rs.Path")).isFalse();
    }
}
