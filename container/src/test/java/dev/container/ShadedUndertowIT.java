package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The classes of Undertow's that we replace with our own are ours in the packaged jar, not
 * Undertow's: the shade plugin's filter on undertow-core must keep Undertow's copy out (with two
 * copies the jar would hold whichever the plugin wrote last).
 */
class ShadedUndertowIT {
    private static final String HANDLERS = "io/undertow/server/handlers/";

    @Test
    void the_jars_host_header_handler_is_ours_without_the_ipv4_regex() throws IOException {
        Path jarPath = Path.of(System.getProperty("container.jar"));
        Path classes = jarPath.resolveSibling("classes");
        Map<String, byte[]> ours = new TreeMap<>();
        try (Stream<Path> files = Files.list(classes.resolve(HANDLERS))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("HostHeaderHandler")).toList()) {
                ours.put(HANDLERS + file.getFileName(), Files.readAllBytes(file));
            }
        }
        assertThat(ours).containsKey(HANDLERS + "HostHeaderHandler.class");

        Map<String, byte[]> packaged = new TreeMap<>();
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            for (var entry : jar.stream().filter(e -> e.getName().startsWith(HANDLERS + "HostHeaderHandler")).toList()) {
                try (var in = jar.getInputStream(entry)) {
                    packaged.put(entry.getName(), in.readAllBytes());
                }
            }
        }

        assertThat(packaged.keySet()).containsExactlyElementsOf(ours.keySet());
        for (String name : ours.keySet()) {
            assertThat(packaged.get(name)).as(name).isEqualTo(ours.get(name));
        }
        // Undertow's has a private static field IP4_EXACT, the name in its constant pool
        assertThat(new String(packaged.get(HANDLERS + "HostHeaderHandler.class"), StandardCharsets.ISO_8859_1))
                .doesNotContain("IP4_EXACT");
    }
}
