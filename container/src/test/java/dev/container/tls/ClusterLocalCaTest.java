package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.Cluster;
import dev.container.testing.Postgres;
import dev.container.testing.TestServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tls = local} in a cluster: the local CA is the cluster's, kept in the storage, so a
 * client that trusts the ca.crt of one node (the one step a user takes) is served by every node;
 * a node that had a CA of its own before it joined takes the cluster's.
 */
class ClusterLocalCaTest {
    @RegisterExtension
    static final Postgres postgres = new Postgres();

    @TempDir
    Path dir;

    private static final String NODE = """
            listeners = [{ host = 127.0.0.1, port = 0, tls = true }]
            static = ["%s"]
            hosts { main { default = true, tls = local } }
            """;

    @Test
    void a_client_that_trusts_one_nodes_local_ca_is_served_by_every_node() throws Exception {
        Cluster cluster = Cluster.fresh(postgres, dir);
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/index.html"), "served");
        String node = NODE.formatted(dir.resolve("site"));
        // b had a CA of its own, from a start before it joined the cluster
        LocalCa own = LocalCa.in(cluster.state("b"));
        own.certificateFor(java.util.List.of());
        X509Certificate before = read(own.caFile());
        try (TestServer a = cluster.start("a", node)) {
            X509Certificate trusted = read(LocalCa.in(cluster.state("a")).caFile());
            try (TestServer b = cluster.start("b", node)) {
                assertThat(read(LocalCa.in(cluster.state("b")).caFile())).isEqualTo(trusted).isNotEqualTo(before);
                HttpClient client = HttpClient.newBuilder().sslContext(TestCerts.trusting(trusted)).build();
                for (TestServer n : java.util.List.of(a, b)) {
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(https(n).resolve("/index.html")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.body()).isEqualTo("served");
                }
            }
        }
        // the key is in the database as a secret (sealed with the storage key), the certificate in the clear
        assertThat(postgres.countIn(cluster.url(), "SELECT count(*) FROM container_blobs WHERE name = ? AND secret"
                + " AND position(convert_to('PRIVATE KEY', 'UTF8') in content) = 0", LocalCa.SHARED_KEY)).isEqualTo(1);
        assertThat(postgres.countIn(cluster.url(), "SELECT count(*) FROM container_blobs WHERE name = ? AND NOT secret",
                LocalCa.SHARED_CERT)).isEqualTo(1);
    }

    private static URI https(TestServer node) {
        URI u = node.container().urls().stream().filter(x -> x.getScheme().equals("https")).findFirst().orElseThrow();
        return URI.create("https://localhost:" + u.getPort());
    }

    private static X509Certificate read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
