package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.container.testing.WarBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarUnpackerTest {
    @TempDir
    Path dir;

    @Test
    void unchanged_war_reuses_the_unpacked_directory() throws Exception {
        Path war = new WarBuilder().file("index.html", "v1").buildWar(dir.resolve("app.war"));
        Path apps = dir.resolve("apps");
        Path first = WarUnpacker.unpack(war, apps, "app");
        Files.writeString(first.resolve("marker"), "left by the first unpack");

        Path second = WarUnpacker.unpack(war, apps, "app");

        assertThat(second).isEqualTo(first);
        assertThat(second.resolve("marker")).exists();
    }

    @Test
    void changed_war_is_unpacked_afresh() throws Exception {
        Path war = new WarBuilder().file("index.html", "v1").buildWar(dir.resolve("app.war"));
        Path apps = dir.resolve("apps");
        Path first = WarUnpacker.unpack(war, apps, "app");
        Files.writeString(first.resolve("marker"), "stale");
        new WarBuilder().file("index.html", "v2, longer").buildWar(war);
        Files.setLastModifiedTime(war, FileTime.fromMillis(Files.getLastModifiedTime(war).toMillis() + 5_000));

        Path second = WarUnpacker.unpack(war, apps, "app");

        assertThat(second.resolve("index.html")).hasContent("v2, longer");
        assertThat(second.resolve("marker")).doesNotExist();
        try (var left = Files.list(apps)) {
            assertThat(left).containsExactly(second);
        }
    }

    @Test
    void entry_escaping_the_app_directory_is_refused() throws Exception {
        Path war = dir.resolve("evil.war");
        Files.write(war, zip("../../outside.txt"));

        assertThatThrownBy(() -> WarUnpacker.unpack(war, dir.resolve("apps"), "evil"))
                .isInstanceOf(DeploymentError.class)
                .hasMessage("evil.war: entry '../../outside.txt' points outside the application; refusing to unpack");
        assertThat(dir.resolve("outside.txt")).doesNotExist();
        assertThat(dir.resolve("apps/evil")).doesNotExist();
    }

    @Test
    void corrupt_war_is_a_deployment_error_naming_the_file() throws Exception {
        Path war = dir.resolve("bad.war");
        byte[] good = zip("index.html");
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 30);
        Files.write(war, truncated);

        assertThatThrownBy(() -> WarUnpacker.unpack(war, dir.resolve("apps"), "bad"))
                .isInstanceOf(DeploymentError.class)
                .hasMessageStartingWith("bad.war: corrupt WAR");
    }

    private static byte[] zip(String entry) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write("x".getBytes());
            zip.closeEntry();
        }
        return out.toByteArray();
    }
}
