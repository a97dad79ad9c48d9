package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.ContainerProcess;
import dev.container.testing.Samples;
import dev.container.testing.WarBuilder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real javax WAR from Maven Central (org.jolokia:jolokia-war 1.7.2, Servlet 2.4 era) through the
 * packaged jar, whose shaded copy of Tomcat's migration tool converts it: migrated at the first
 * start, taken from the cache at the second, refused with {@code --no-migrate}.
 */
class JavaxWarIT {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void jolokia_war_is_migrated_then_cached_and_refused_with_no_migrate() throws Exception {
        Path war = Files.copy(Samples.testLib("jolokia-war.war"), dir.resolve("jolokia.war"));
        Path users = Files.writeString(dir.resolve("users.properties"), "ops = s3cret, jolokia\n");
        String[] run = {"run", "--war", war.toString(), "--users", users.toString(), "--listen", "127.0.0.1:0",
                "--state", dir.resolve("state").toString()};

        try (var first = ContainerProcess.start(run)) {
            assertThat(first.log()).containsPattern("INFO  container: app /jolokia: javax\\.\\* app migrated to jakarta\\.\\* \\(\\d+ ms\\)");
            assertThat(version(first).statusCode()).isEqualTo(200);
            assertThat(version(first).body()).contains("\"agentType\":\"servlet\"");
            first.signal("TERM");
            assertThat(first.awaitExit()).isZero();
        }
        try (var second = ContainerProcess.start(run)) {
            assertThat(second.log()).contains("INFO  container: app /jolokia: javax.* app migrated to jakarta.* (cached)");
            assertThat(version(second).statusCode()).isEqualTo(200);
            second.signal("TERM");
            assertThat(second.awaitExit()).isZero();
        }
        String[] refusing = java.util.stream.Stream.concat(java.util.Arrays.stream(run), java.util.stream.Stream.of("--no-migrate"))
                .toArray(String[]::new);
        try (var third = ContainerProcess.start(refusing)) {
            assertThat(third.log()).contains("app /jolokia failed to start, answering 503: jolokia: built for javax.servlet")
                    .contains("org.jolokia.http.AgentServlet extends javax.servlet.http.HttpServlet")
                    .contains("migrate = false or --no-migrate")
                    .doesNotContain("migrated to jakarta");
            assertThat(version(third).statusCode()).isEqualTo(503);
            third.signal("TERM");
            assertThat(third.awaitExit()).isZero();
        }
    }

    /**
     * The tool stamps the Implementation-Version of each jar manifest it rewrites with its own
     * version, which it reads from a file at the root of its jar: the packaged jar must carry it.
     */
    @Test
    void a_library_jar_with_an_implementation_version_is_migrated_by_the_packaged_jar() throws Exception {
        byte[] library = new WarBuilder()
                .file("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nImplementation-Version: 2.0\n")
                .java("lib.Greeting", """
                        package lib;
                        public class Greeting {
                            public static String of(javax.servlet.ServletRequest req) {
                                return "hello from greeting " + Greeting.class.getPackage().getImplementationVersion();
                            }
                        }
                        """)
                .compileAgainst(Samples.testLib("javax-servlet-api.jar"))
                .buildJar();
        Path war = new WarBuilder()
                .compileAgainst(Samples.testLib("javax-servlet-api.jar"))
                .compileAgainst(Files.write(dir.resolve("greeting-2.0.jar"), library))
                .lib("greeting-2.0.jar", library)
                .java("legacy.Hello", """
                        package legacy;
                        @javax.servlet.annotation.WebServlet("/hello")
                        public class Hello extends javax.servlet.http.HttpServlet {
                            @Override
                            protected void doGet(javax.servlet.http.HttpServletRequest req,
                                                 javax.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.getWriter().print(lib.Greeting.of(req));
                            }
                        }
                        """)
                .buildWar(dir.resolve("legacy.war"));

        try (var container = ContainerProcess.start("run", "--war", war.toString(), "--listen", "127.0.0.1:0",
                "--state", dir.resolve("state").toString())) {
            var answer = client.send(HttpRequest.newBuilder(container.url("http").resolve("/legacy/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(answer.body()).as(container.log()).isEqualTo("hello from greeting 2.0-migrated-1.0.9");
            try (var jar = new JarFile(dir.resolve("state/apps/legacy/WEB-INF/lib/greeting-2.0.jar").toFile())) {
                assertThat(jar.getManifest().getMainAttributes().getValue("Implementation-Version")).isEqualTo("2.0-migrated-1.0.9");
            }
            container.signal("TERM");
            assertThat(container.awaitExit()).isZero();
        }
    }

    private HttpResponse<String> version(ContainerProcess container) throws Exception {
        String login = Base64.getEncoder().encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8));
        return client.send(HttpRequest.newBuilder(container.url("http").resolve("/jolokia/version"))
                .header("Authorization", "Basic " + login).build(), HttpResponse.BodyHandlers.ofString());
    }
}
