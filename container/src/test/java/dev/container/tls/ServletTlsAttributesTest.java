package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** The servlet request's TLS attributes over HTTP/2 and HTTP/1.1: cipher suite and key size, no client certificate. */
class ServletTlsAttributesTest {
    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"conscrypt, HTTP_2", "conscrypt, HTTP_1_1", "jdk, HTTP_2", "jdk, HTTP_1_1"})
    void apps_see_the_cipher_suite_and_no_client_certificate(String provider, HttpClient.Version version) throws Exception {
        var cert = TestCerts.write(dir, "localhost", "EC", "localhost");
        Path war = new WarBuilder()
                .java("tls.Attributes", """
                        package tls;
                        @jakarta.servlet.annotation.WebServlet("/attributes")
                        public class Attributes extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                for (int i = 0; i < 2; i++) {
                                    resp.getWriter().print(req.getAttribute("jakarta.servlet.request.cipher_suite") + " "
                                            + req.getAttribute("jakarta.servlet.request.key_size") + " "
                                            + req.getAttribute("jakarta.servlet.request.X509Certificate") + ";");
                                }
                            }
                        }
                        """)
                .buildWar(dir.resolve("app.war"));
        server = TestServer.startWith(dir.resolve("state"), p -> p.https("127.0.0.1:0").cert(cert.cert(), cert.key())
                .war(war + ":/app").tlsProvider(provider));
        HttpClient client = HttpClient.newBuilder().sslContext(TestCerts.trusting(cert.certificate())).version(version).build();
        URI uri = URI.create("https://localhost:" + server.port() + "/app/attributes");

        HttpResponse<String> first = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> second = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(first.version()).isEqualTo(version);
        assertThat(first.body()).matches("(TLS_AES_\\d+_GCM_SHA\\d+ (128|256) null;){2}");
        assertThat(second.body()).isEqualTo(first.body());
    }
}
