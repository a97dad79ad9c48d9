package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.WarBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexReader;
import org.jboss.jandex.IndexView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jar indexes are kept between deployments and rebuilt when the jar's content changes. */
class ClassIndexCacheTest {
    @TempDir
    Path dir;

    @Test
    void stored_index_is_used_on_the_next_deployment_instead_of_the_jar() throws Exception {
        Path jar = jarWith("a.First", dir.resolve("lib.jar"));
        Path cache = dir.resolve("cache");
        ClassIndex.perRoot(List.of(jar), cache, "t");
        Path stored = onlyFile(cache);
        // Plant the index of another jar under the stored name: the next deployment must read it.
        Path other = jarWith("a.Other", dir.resolve("other.jar"));
        ClassIndex.perRoot(List.of(other), dir.resolve("other-cache"), "t");
        Files.copy(onlyFile(dir.resolve("other-cache")), stored, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        IndexView index = ClassIndex.perRoot(List.of(jar), cache, "t").get(jar);

        assertThat(index.getClassByName(DotName.createSimple("a.Other"))).isNotNull();
    }

    @Test
    void jar_changed_under_the_same_name_and_time_is_indexed_again_and_its_old_index_dropped() throws Exception {
        Path jar = jarWith("a.First", dir.resolve("lib.jar"));
        FileTime fixed = Files.getLastModifiedTime(jar);
        Path cache = dir.resolve("cache");
        ClassIndex.perRoot(List.of(jar), cache, "t");
        Path old = onlyFile(cache);

        jarWith("a.Second", jar);
        Files.setLastModifiedTime(jar, fixed);
        IndexView index = ClassIndex.perRoot(List.of(jar), cache, "t").get(jar);

        assertThat(index.getClassByName(DotName.createSimple("a.Second"))).isNotNull();
        assertThat(index.getClassByName(DotName.createSimple("a.First"))).isNull();
        assertThat(onlyFile(cache)).isNotEqualTo(old);
    }

    @Test
    void a_jar_two_apps_ship_is_indexed_once_and_its_index_stored_for_both() throws Exception {
        Files.createDirectories(dir.resolve("one"));
        Files.createDirectories(dir.resolve("two"));
        Path first = jarWith("a.First", dir.resolve("one/lib.jar"));
        Path second = dir.resolve("two/lib.jar");
        Files.copy(first, second);
        SharedIndexes shared = new SharedIndexes();

        IndexView one = ClassIndex.perRoot(List.of(first), dir.resolve("cache-one"), "one", shared).get(first);
        IndexView two = ClassIndex.perRoot(List.of(second), dir.resolve("cache-two"), "two", shared).get(second);

        assertThat(two).isSameAs(one);
        assertThat(onlyFile(dir.resolve("cache-two")).getFileName()).isEqualTo(onlyFile(dir.resolve("cache-one")).getFileName());
        try (InputStream in = Files.newInputStream(onlyFile(dir.resolve("cache-two")))) {
            assertThat(new IndexReader(in).read().getClassByName(DotName.createSimple("a.First"))).isNotNull();
        }
    }

    @Test
    void unreadable_stored_index_is_rebuilt_from_the_jar() throws Exception {
        Path jar = jarWith("a.First", dir.resolve("lib.jar"));
        Path cache = dir.resolve("cache");
        ClassIndex.perRoot(List.of(jar), cache, "t");
        Files.writeString(onlyFile(cache), "torn");

        IndexView index = ClassIndex.perRoot(List.of(jar), cache, "t").get(jar);

        assertThat(index.getClassByName(DotName.createSimple("a.First"))).isNotNull();
        try (InputStream in = Files.newInputStream(onlyFile(cache))) {
            assertThat(new IndexReader(in).read().getClassByName(DotName.createSimple("a.First"))).isNotNull();
        }
    }

    private static Path jarWith(String className, Path file) throws IOException {
        int dot = className.lastIndexOf('.');
        String source = "package " + className.substring(0, dot) + "; public class " + className.substring(dot + 1) + " {}";
        Files.write(file, new WarBuilder().java(className, source).buildJar());
        return file;
    }

    private static Path onlyFile(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }
}
