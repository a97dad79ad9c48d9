package dev.container.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AtomicFiles under a real kill -9: a process writing a 1 MiB file over and over is killed at
 * random moments; every time, the file is one whole version or the other, never a mix or a
 * part, and what the kill left beside it is removed by the next write.
 */
class AtomicFilesKillTest {
    @TempDir
    Path dir;

    private static void assertWhole(Path file) throws Exception {
        byte[] content = Files.readAllBytes(file);
        assertThat(content).hasSize(1 << 20);
        byte first = content[0];
        assertThat(first == 'a' || first == 'b').isTrue();
        for (byte b : content) {
            if (b != first) {
                throw new AssertionError("a mixed file: " + (char) first + " and " + (char) b);
            }
        }
    }

    private static List<Path> temporaries(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    @Test
    void a_write_killed_at_any_moment_leaves_the_old_file_or_the_new_one_whole() throws Exception {
        Path file = dir.resolve("certificate.pem");
        for (int round = 0; round < 6; round++) {
            Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), AtomicWriteLoop.class.getName(), file.toString())
                    .redirectErrorStream(true).start();
            try (var out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null && !line.equals("wrote 2")) {
                    assertThat(line).startsWith("wrote ");
                }
                Thread.sleep(ThreadLocalRandom.current().nextInt(5, 120));
                writer.destroyForcibly(); // SIGKILL
                assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertWhole(file);
        }
        int leftovers = temporaries(dir).size();
        // the next write removes what the kills left (once old enough not to be a live write)
        for (Path temporary : temporaries(dir)) {
            Files.setLastModifiedTime(temporary, FileTime.from(Instant.now().minusSeconds(120)));
        }
        AtomicFiles.write(file, "new".getBytes(StandardCharsets.US_ASCII), true);
        assertThat(temporaries(dir)).isEmpty();
        assertThat(file).hasContent("new");
        System.out.println("kills that left a temporary file (killed mid-write): " + leftovers + " of 6");
    }

    @Test
    void a_young_temporary_file_of_another_writer_is_left_alone() throws Exception {
        Path file = dir.resolve("account.key");
        Path live = Files.writeString(dir.resolve(".account.key123456.tmp"), "being written");
        AtomicFiles.write(file, "key".getBytes(StandardCharsets.US_ASCII), true);
        assertThat(live).exists();
    }
}
