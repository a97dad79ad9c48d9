package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.config.PlanBuilder;
import dev.container.testing.RawHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One directory mounted on three hosts: at "/" on two of them and at "/docs" on the third, and with
 * a max-age on a fourth. Mounts that serve the directory alike are one handler (one cache, one copy
 * of each file), whatever their prefix or host; a mount that serves it otherwise has its own.
 */
class SharedStaticMountsTest {
    @TempDir
    static Path dir;
    static Container container;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(dir.resolve("site/sub"));
        Files.writeString(dir.resolve("site/index.html"), "<h1>site</h1>\n");
        Files.writeString(dir.resolve("site/sub/a.txt"), "a\n");
        Path conf = Files.writeString(dir.resolve("container.conf"), """
                hosts {
                  one { default = true }
                  two { names = [two.test] }
                  three { names = [three.test] }
                  cached { names = [cached.test] }
                }
                static = [
                  { dir = site, hosts = [one] }
                  { dir = site, hosts = [two] }
                  { dir = site, prefix = /docs, hosts = [three] }
                  { dir = site, hosts = [cached], max-age = 1h }
                ]
                """);
        container = Container.start(new PlanBuilder().configFile(conf).listen("127.0.0.1:0")
                .stateDir(dir.resolve("state")).shutdownTimeout(Duration.ofSeconds(1)).build());
        port = container.urls().get(0).getPort();
    }

    @AfterAll
    static void stop() {
        container.close();
    }

    @Test
    void mounts_of_one_directory_served_alike_share_one_handler() {
        assertThat(container.staticHandlers()).isEqualTo(2);
    }

    @Test
    void a_shared_handler_serves_each_mount_under_its_own_prefix() {
        for (int i = 0; i < 3; i++) { // the second and third requests come from the shared cache
            assertThat(RawHttp.get(port, "one.test", "/sub/a.txt").body()).isEqualTo("a\n");
            assertThat(RawHttp.get(port, "two.test", "/sub/a.txt").body()).isEqualTo("a\n");
            assertThat(RawHttp.get(port, "three.test", "/docs/sub/a.txt").body()).isEqualTo("a\n");
        }
        assertThat(RawHttp.get(port, "three.test", "/sub/a.txt").status()).isEqualTo(404);
        RawHttp bare = RawHttp.get(port, "three.test", "/docs");
        assertThat(bare.status()).isBetween(301, 308);
        assertThat(bare.header("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/docs/"));
        assertThat(RawHttp.get(port, "two.test", "/").body().trim()).isEqualTo("<h1>site</h1>");
    }

    @Test
    void a_mount_served_otherwise_keeps_its_own_handler() {
        assertThat(RawHttp.get(port, "cached.test", "/sub/a.txt").header("Cache-Control")).hasValue("max-age=3600");
        assertThat(RawHttp.get(port, "two.test", "/sub/a.txt").header("Cache-Control")).isEmpty();
    }
}
