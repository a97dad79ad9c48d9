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
 * Three virtual hosts on one listener, each serving a site of its own at "/": the Host header
 * picks the host (exact name, then wildcard, then the default), and each host adds its headers.
 */
class VirtualHostsTest {
    @TempDir
    static Path dir;
    static Container container;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        for (String site : new String[] {"shop", "docs", "main"}) {
            Files.createDirectories(dir.resolve(site));
            Files.writeString(dir.resolve(site).resolve("index.html"), "<h1>" + site + "</h1>\n");
        }
        Path conf = Files.writeString(dir.resolve("container.conf"), """
                hosts {
                  main { default = true }
                  shop {
                    names = [shop.test, www.shop.test]
                    headers { X-Frame-Options = DENY, Content-Type = "x-evil/should-not-win" }
                  }
                  docs { names = ["*.docs.test"] }
                }
                static = [
                  { dir = main, hosts = [main] }
                  { dir = shop, hosts = [shop], max-age = 1h }
                  { dir = docs, hosts = [docs] }
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

    private static String site(String host) {
        RawHttp response = RawHttp.get(port, host, "/");
        assertThat(response.status()).as("status for Host: %s", host).isEqualTo(200);
        return response.body().trim();
    }

    @Test
    void exact_names_reach_their_host() {
        assertThat(site("shop.test")).isEqualTo("<h1>shop</h1>");
        assertThat(site("www.shop.test")).isEqualTo("<h1>shop</h1>");
    }

    @Test
    void host_header_port_case_and_trailing_dot_do_not_matter() {
        assertThat(site("SHOP.Test:" + port)).isEqualTo("<h1>shop</h1>");
        assertThat(site("shop.test.")).isEqualTo("<h1>shop</h1>");
    }

    @Test
    void wildcard_matches_one_label_in_front() {
        assertThat(site("v2.docs.test")).isEqualTo("<h1>docs</h1>");
        assertThat(site("docs.test")).isEqualTo("<h1>main</h1>");
        assertThat(site("a.b.docs.test")).isEqualTo("<h1>main</h1>");
    }

    @Test
    void unknown_host_and_missing_host_header_reach_the_default_host() {
        assertThat(site("unknown.example")).isEqualTo("<h1>main</h1>");
        assertThat(site("127.0.0.1")).isEqualTo("<h1>main</h1>");
        RawHttp http10 = RawHttp.send(port, "GET / HTTP/1.0\r\n\r\n");
        assertThat(http10.status()).isEqualTo(200);
        assertThat(http10.body()).contains("<h1>main</h1>");
    }

    @Test
    void host_headers_are_added_but_the_handlers_own_value_wins() {
        RawHttp shop = RawHttp.get(port, "shop.test", "/");
        assertThat(shop.header("X-Frame-Options")).hasValue("DENY");
        assertThat(shop.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(RawHttp.get(port, "other.test", "/").header("X-Frame-Options")).isEmpty();
        assertThat(RawHttp.get(port, "shop.test", "/missing").header("X-Frame-Options")).hasValue("DENY");
    }

    @Test
    void hsts_is_not_sent_over_plain_http_and_cache_control_only_with_files() {
        RawHttp shop = RawHttp.get(port, "shop.test", "/");
        assertThat(shop.header("Strict-Transport-Security")).isEmpty();
        assertThat(shop.header("Cache-Control")).hasValue("max-age=3600");
        assertThat(RawHttp.get(port, "shop.test", "/missing").header("Cache-Control")).isEmpty();
        assertThat(RawHttp.get(port, "main.test", "/").header("Cache-Control")).isEmpty();
    }
}
