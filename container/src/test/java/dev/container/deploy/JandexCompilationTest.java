package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building an app's class index first keeps Jandex out of C2, through the JVM's own directive stack. */
class JandexCompilationTest {
    @TempDir
    Path dir;

    @Test
    void after_indexing_an_app_jandex_is_excluded_from_c2_in_the_jvm() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        ClassIndex.perRoot(List.of(classes), dir.resolve("cache"), "t");

        String directives = JandexCompilation.print();

        int mine = directives.indexOf("matching: org/jboss/jandex/*.*");
        assertThat(mine).as(directives).isNotNegative();
        String block = directives.substring(mine, directives.indexOf("Directive:", mine));
        String c2 = block.substring(block.indexOf("c2 directives:"));
        assertThat(c2).contains("Enable:true").contains("Exclude:true");
    }

    @Test
    void added_once_however_many_apps_index() throws Exception {
        ClassIndex.perRoot(List.of(Files.createDirectories(dir.resolve("a"))), dir.resolve("ca"), "a");
        ClassIndex.perRoot(List.of(Files.createDirectories(dir.resolve("b"))), dir.resolve("cb"), "b");

        String directives = JandexCompilation.print();

        assertThat(directives.split("matching: org/jboss/jandex/", -1)).hasSize(2);
    }
}
