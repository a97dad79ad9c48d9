package dev.container.files;

import dev.container.config.StaticSpec;
import dev.container.testing.UndertowFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StaticFilesCacheTest {
    @TempDir
    Path dir;

    private final SmallFileCache cache = new SmallFileCache(StaticFiles.CACHE_MAX_FILE_BYTES, StaticFiles.CACHE_MAX_TOTAL_BYTES);

    private Path root() throws IOException {
        return Files.createDirectories(dir.resolve("root")).toRealPath();
    }

    private UndertowFixture serve(Path root) {
        return UndertowFixture.mount("/", StaticFiles.handler(new StaticSpec(root, "/", false), cache));
    }

    private static BasicFileAttributes attributes(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class);
    }

    @Test
    void keeps_a_settled_small_file_in_memory() throws IOException {
        Path file = TestSite.settle(TestSite.write(root(), "a.css", "body{}"));
        try (var server = serve(root())) {
            server.get("/a.css");

            assertThat(cache.contains(file)).isTrue();
        }
    }

    @Test
    void returns_the_same_bytes_from_memory_while_the_file_is_unchanged() throws IOException {
        Path file = TestSite.settle(TestSite.write(root(), "a.css", "body{}"));

        byte[] first = cache.bytes(file, attributes(file));

        assertThat(cache.bytes(file, attributes(file))).isSameAs(first);
    }

    @Test
    void serves_the_new_bytes_at_once_after_a_cached_file_changes() throws IOException {
        Path file = TestSite.settle(TestSite.write(root(), "a.css", "body{color:red}"));
        try (var server = serve(root())) {
            server.get("/a.css");
            assertThat(cache.contains(file)).isTrue();

            Files.writeString(file, "body{color:tan}");

            assertThat(new String(server.get("/a.css").body())).isEqualTo("body{color:tan}");
        }
    }

    /** A deploy tool that renames a new file into place may keep size and mtime; the inode changes. */
    @Test
    void serves_the_new_bytes_after_a_rename_replaces_a_cached_file_with_equal_size_and_mtime() throws IOException {
        Path root = root();
        Path file = TestSite.settle(TestSite.write(root, "a.css", "body{color:red}"));
        FileTime mtime = Files.getLastModifiedTime(file);
        try (var server = serve(root)) {
            server.get("/a.css");
            Path replacement = TestSite.write(root, "a.css.tmp", "body{color:tan}");
            Files.setLastModifiedTime(replacement, mtime);

            Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            assertThat(new String(server.get("/a.css").body())).isEqualTo("body{color:tan}");
        }
    }

    /**
     * Two writes within one tick of the file system clock leave size and mtime equal; the file
     * was too fresh to cache, so the second write is still seen.
     */
    @Test
    void serves_the_new_bytes_after_an_in_place_rewrite_within_the_same_clock_tick() throws IOException {
        Path file = TestSite.write(root(), "a.css", "body{color:red}");
        FileTime mtime = Files.getLastModifiedTime(file);
        try (var server = serve(root())) {
            server.get("/a.css");
            Files.writeString(file, "body{color:tan}");
            Files.setLastModifiedTime(file, mtime);

            assertThat(new String(server.get("/a.css").body())).isEqualTo("body{color:tan}");
            assertThat(cache.contains(file)).isFalse();
        }
    }

    @Test
    void leaves_files_above_the_size_limit_on_disk() throws IOException {
        Path file = TestSite.settle(TestSite.write(root(), "big.bin", TestSite.bytes(StaticFiles.CACHE_MAX_FILE_BYTES + 1)));

        assertThat(cache.bytes(file, attributes(file))).isNull();
        assertThat(cache.contains(file)).isFalse();
    }

    @Test
    void evicts_the_least_recently_used_files_beyond_its_budget() throws IOException {
        SmallFileCache small = new SmallFileCache(100, 2 * (100 + SmallFileCache.ENTRY_BYTES) + 50);
        Path a = TestSite.settle(TestSite.write(root(), "a", new byte[100]));
        Path b = TestSite.settle(TestSite.write(root(), "b", new byte[100]));
        Path c = TestSite.settle(TestSite.write(root(), "c", new byte[100]));
        small.bytes(a, attributes(a));
        small.bytes(b, attributes(b));
        small.bytes(a, attributes(a));

        small.bytes(c, attributes(c));

        assertThat(small.contains(a)).isTrue();
        assertThat(small.contains(b)).isFalse();
        assertThat(small.contains(c)).isTrue();
        assertThat(small.totalBytes()).isEqualTo(2 * (100 + SmallFileCache.ENTRY_BYTES));
    }

    @Test
    void charges_each_entry_its_own_overhead_so_empty_files_stay_bounded() throws IOException {
        SmallFileCache small = new SmallFileCache(100, 3 * SmallFileCache.ENTRY_BYTES);
        List<Path> empty = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            empty.add(TestSite.settle(TestSite.write(root(), "empty" + i, new byte[0])));
        }

        for (Path file : empty) {
            assertThat(small.bytes(file, attributes(file))).isEmpty();
        }

        assertThat(empty.stream().filter(small::contains)).hasSize(3);
        assertThat(small.contains(empty.get(4))).isTrue();
        assertThat(small.totalBytes()).isEqualTo(3L * SmallFileCache.ENTRY_BYTES);
    }

    @Test
    void answers_conditional_and_range_requests_from_memory() throws IOException {
        Path file = TestSite.settle(TestSite.write(root(), "d.txt", "0123456789"));
        try (var server = serve(root())) {
            String etag = server.get("/d.txt").headers().firstValue("ETag").orElseThrow();
            assertThat(cache.contains(file)).isTrue();

            assertThat(server.get("/d.txt", "If-None-Match", etag).statusCode()).isEqualTo(304);
            assertThat(new String(server.get("/d.txt", "Range", "bytes=3-4").body())).isEqualTo("34");
        }
    }
}
