package dev.container.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Writes the files of a test site. */
final class TestSite {
    private TestSite() {
    }

    static Path write(Path root, String relative, String content) {
        return write(root, relative, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path write(Path root, String relative, byte[] content) {
        try {
            Path file = root.resolve(relative);
            Files.createDirectories(file.getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Dates the file an hour back, past SmallFileCache's racy window, so it may be cached. */
    static Path settle(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** count bytes of a repeating, compressible text. */
    static String text(int count) {
        StringBuilder text = new StringBuilder(count);
        while (text.length() < count) {
            text.append("line ").append(text.length()).append(" of some static text\n");
        }
        return text.substring(0, count);
    }

    /** count bytes that differ from position to position, so any wrong offset shows. */
    static byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++) {
            bytes[i] = (byte) (i * 31 + i / 251);
        }
        return bytes;
    }
}
