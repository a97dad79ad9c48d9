package dev.container.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of broken configs in src/test/resources/configs/bad: each {@code <case>.conf} gives
 * exactly the problems in {@code <case>.expected}, one per line, in file order ($FILE stands for
 * the config's path, $SHARED for configs/shared).
 */
class BadConfigsTest {
    static Path corpus() throws URISyntaxException {
        return Path.of(BadConfigsTest.class.getResource("/configs/bad").toURI());
    }

    static Stream<String> cases() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(corpus())) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".conf"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void broken_config_reports_every_problem_with_file_and_line(String name) throws Exception {
        Path file = corpus().resolve(name + ".conf");
        Path shared = corpus().resolveSibling("shared");
        ConfigError error = catchThrowableOfType(ConfigError.class, () -> ConfigFile.load(file));
        assertThat(error).as("%s should be refused", name).isNotNull();
        String actual = String.join("\n", error.problems()).replace(shared.toString(), "$SHARED").replace(file.toString(), "$FILE");
        Path expected = corpus().resolve(name + ".expected");
        assertThat(Files.exists(expected)).as("%s.expected is missing; the problems were:\n%s", name, actual).isTrue();
        List<String> lines = Files.readAllLines(expected).stream().filter(l -> !l.isBlank()).toList();
        assertThat(actual).isEqualTo(String.join("\n", lines));
    }
}
