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
    void directories_left_by_a_killed_unpack_are_never_used_and_are_removed_by_the_next() throws Exception {
        Path war = new WarBuilder().file("index.html", "whole").file("WEB-INF/web.xml", "<web-app/>")
                .buildWar(dir.resolve("app.war"));
        Path apps = Files.createDirectories(dir.resolve("apps"));
        // as a process killed in the middle leaves them: an unpack half done (no stamp), an old copy
        // moved aside but not yet deleted, and no app directory (killed between the two renames)
        Path half = Files.createDirectories(apps.resolve("app.unpacking-4711"));
        Files.writeString(half.resolve("index.html"), "who");
        Path aside = Files.createDirectories(apps.resolve("app.old-815"));
        Files.writeString(aside.resolve("index.html"), "old");
        Path other = Files.createDirectories(apps.resolve("app2.unpacking-1")); // another app's, in progress

        Path unpacked = WarUnpacker.unpack(war, apps, "app");

        assertThat(unpacked).isEqualTo(apps.resolve("app"));
        assertThat(unpacked.resolve("index.html")).hasContent("whole");
        assertThat(unpacked.resolve("WEB-INF/web.xml")).exists();
        assertThat(half).doesNotExist();
        assertThat(aside).doesNotExist();
        assertThat(other).exists();
    }

    @Test
    void app_directory_without_its_stamp_is_unpacked_again() throws Exception {
        Path war = new WarBuilder().file("index.html", "whole").buildWar(dir.resolve("app.war"));
        Path apps = dir.resolve("apps");
        Path target = Files.createDirectories(apps.resolve("app"));
        Files.writeString(target.resolve("index.html"), "half"); // from an older container, say: no stamp

        assertThat(WarUnpacker.unpack(war, apps, "app").resolve("index.html")).hasContent("whole");
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
