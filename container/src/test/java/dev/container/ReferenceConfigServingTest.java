package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.config.PlanBuilder;
import dev.container.testing.RawHttp;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * conf/container.conf served as the README shows it (with --listen and --state flags on top):
 * two virtual hosts, three apps and two static mounts on one listener.
 */
class ReferenceConfigServingTest {
    @TempDir
    static Path state;
    static Container container;
    static int port;

    @BeforeAll
    static void start() {
        Path reference = Path.of(System.getProperty("conf.dir"), "container.conf");
        container = Container.start(new PlanBuilder().configFile(reference).listen("127.0.0.1:0")
                .stateDir(state).shutdownTimeout(Duration.ofSeconds(5)).build());
        port = container.urls().get(0).getPort();
    }

    @AfterAll
    static void stop() {
        container.close();
    }

    @Test
    void main_host_serves_the_servlet_sample_with_the_files_context_param_and_security_headers() {
        RawHttp response = RawHttp.get(port, "localhost", "/servlet/hello");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("Hello from the reference config");
        assertThat(response.header("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.header("X-Frame-Options")).hasValue("SAMEORIGIN");
    }

    @Test
    void the_servlet_sample_reads_its_notes_from_the_datasource_the_reference_configures() {
        RawHttp notes = RawHttp.get(port, "localhost", "/servlet/notes");
        assertThat(notes.status()).isEqualTo(200);
        assertThat(notes.body()).doesNotContain("no database");
    }

    @Test
    void main_host_serves_the_site_with_cache_headers_and_spring_from_the_default_host() {
        RawHttp site = RawHttp.get(port, "localhost", "/");
        assertThat(site.status()).isEqualTo(200);
        assertThat(site.header("Cache-Control")).hasValue("max-age=600");
        assertThat(RawHttp.get(port, "localhost", "/spring/hello").status()).isEqualTo(200);
    }

    @Test
    void api_host_and_its_wildcard_serve_jersey_at_the_root() {
        for (String host : new String[] {"api.localhost", "v2.api.localhost:" + port}) {
            RawHttp response = RawHttp.get(port, host, "/api/greeting?name=vhost");
            assertThat(response.status()).as(host).isEqualTo(200);
            assertThat(response.body()).contains("Hello, vhost!");
            assertThat(response.header("Cache-Control")).hasValue("no-store");
        }
    }

    @Test
    void each_host_serves_only_its_own_apps() {
        assertThat(RawHttp.get(port, "api.localhost", "/spring/hello").status()).isEqualTo(404);
        assertThat(RawHttp.get(port, "api.localhost", "/servlet/hello").status()).isEqualTo(404);
        assertThat(RawHttp.get(port, "localhost", "/api/greeting").status()).isEqualTo(404);
    }

    @Test
    void unknown_host_gets_the_default_host() {
        assertThat(RawHttp.get(port, "unknown.example", "/servlet/hello").body()).contains("Hello from the reference config");
    }

    @Test
    void api_host_lists_directories_of_its_static_mount() {
        RawHttp listing = RawHttp.get(port, "api.localhost", "/site/css/");
        assertThat(listing.status()).isEqualTo(200);
        assertThat(listing.body()).contains("site.css");
    }
}
