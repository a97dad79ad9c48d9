package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.Container;
import dev.container.config.ConfigFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config file with two hosts and a certificate each on one HTTPS port: openssl's client gets
 * each host's certificate by SNI, the first one without SNI, and each host's own content over h2.
 */
class SniConfigTest {
    @TempDir
    Path dir;

    @Test
    void two_hosts_with_two_certificates_are_served_by_sni_on_one_port() throws Exception {
        var a = TestCerts.write(dir, "a", "EC", "a.test");
        var b = TestCerts.write(dir, "b", "RSA", "b.test", "*.b.test");
        Files.createDirectories(dir.resolve("site-a"));
        Files.createDirectories(dir.resolve("site-b"));
        Files.writeString(dir.resolve("site-a/index.html"), "site a");
        Files.writeString(dir.resolve("site-b/index.html"), "site b");
        Path conf = Files.writeString(dir.resolve("two.conf"), """
                listeners = [{ host = "127.0.0.1", port = 0, tls = true }]
                certificates = [{ cert = a.crt, key = a.key }, { cert = b.crt, key = b.key }]
                hosts {
                  a { names = [a.test], default = true }
                  b { names = [b.test, "*.b.test"] }
                }
                static = [{ dir = site-a, hosts = [a] }, { dir = site-b, hosts = [b] }]
                state-dir = state
                """);
        try (Container container = Container.start(ConfigFile.load(conf))) {
            int port = container.urls().get(0).getPort();

            assertThat(subject(port, "a.test")).isEqualTo("CN=a.test");
            assertThat(subject(port, "b.test")).isEqualTo("CN=b.test");
            assertThat(subject(port, "www.b.test")).isEqualTo("CN=b.test");
            assertThat(subject(port, null)).isEqualTo("CN=a.test");

            assertThat(curl(port, "a.test", a.cert())).isEqualTo("site a 2 200");
            assertThat(curl(port, "b.test", b.cert())).isEqualTo("site b 2 200");
        }
    }

    /** The subject of the certificate openssl s_client is served for servername (none when null). */
    private static String subject(int port, String servername) throws Exception {
        String out = run(servername == null
                ? new String[] {"openssl", "s_client", "-connect", "127.0.0.1:" + port, "-noservername"}
                : new String[] {"openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", servername});
        return out.lines().filter(l -> l.startsWith("subject=")).findFirst().orElseThrow(() -> new AssertionError(out))
                .substring("subject=".length()).replace(" ", "");
    }

    private static String curl(int port, String host, Path ca) throws Exception {
        URI url = URI.create("https://" + host + ":" + port + "/index.html");
        return run("curl", "-sS", "--http2", "--cacert", ca.toString(), "--resolve", host + ":" + port + ":127.0.0.1",
                "-w", " %{http_version} %{http_code}", url.toString());
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }
}
