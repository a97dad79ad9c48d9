package dev.container.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small filesystem of its own (a tmpfs with a size limit) at a directory, for tests of a full
 * disk: {@code try (var disk = SmallDisk.mount(dir, "1m")) { disk.fill(); ... disk.free(); }}.
 * Needs root (mount); a test is skipped, saying so, when mounting is not allowed. Unmounted by
 * {@link #close}, also when the test fails.
 */
public final class SmallDisk implements AutoCloseable {
    private final Path dir;

    private SmallDisk(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of the given size ("64k", "2m") at dir (created); skips the test when it cannot. */
    public static SmallDisk mount(Path dir, String size) throws IOException, InterruptedException {
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"), "a full disk is made with tmpfs: Linux only");
        Files.createDirectories(dir);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        boolean done = mount.waitFor(30, TimeUnit.SECONDS);
        Assumptions.assumeTrue(done && mount.exitValue() == 0,
                "cannot mount a tmpfs for a full disk (needs root): " + out);
        return new SmallDisk(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Fills the disk to the last byte with a file of its own. */
    public void fill() throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(dir.resolve(".filler"))) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            // No space left on device: the aim
        }
        // the last bytes a block could not take
        try (OutputStream out = Files.newOutputStream(dir.resolve(".filler-tail"))) {
            while (true) {
                out.write(0);
                out.flush();
            }
        } catch (IOException full) {
            // full to the byte (tmpfs counts pages: nothing more fits)
        }
    }

    /** Removes what {@link #fill} wrote. */
    public void free() throws IOException {
        Files.deleteIfExists(dir.resolve(".filler"));
        Files.deleteIfExists(dir.resolve(".filler-tail"));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (List<String> command : List.of(List.of("umount", dir.toString()), List.of("umount", "-l", dir.toString()))) {
            Process umount = new ProcessBuilder(command).redirectErrorStream(true).start();
            umount.getInputStream().readAllBytes();
            if (umount.waitFor(30, TimeUnit.SECONDS) && umount.exitValue() == 0) {
                return;
            }
        }
    }
}
