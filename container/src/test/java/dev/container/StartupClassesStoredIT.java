package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.ContainerProcess;
import dev.container.testing.WarBuilder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classes a start loads from container.jar (one WAR and static files, up to their first
 * answers) are stored in the jar uncompressed, as container/pom.xml's {@code startup.classes}
 * says: deflated, each costs an inflater buffer of garbage in the eden of a start, and so RSS
 * (issue 17). A new package on the start-up path, or a renamed one, shows up here.
 */
class StartupClassesStoredIT {
    @TempDir
    Path dir;

    @Test
    void every_class_a_start_loads_from_the_jar_is_stored_uncompressed() throws Exception {
        Path war = new WarBuilder()
                .java("app.Hello", """
                        package app;
                        @jakarta.servlet.annotation.WebServlet("/hello")
                        public class Hello extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                    jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.getWriter().print("hello");
                            }
                        }
                        """)
                .buildWar(dir.resolve("hello.war"));
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<p>hi</p>");
        Path classLog = dir.resolve("classes.log");
        try (var container = ContainerProcess.startWith(List.of("-Xlog:class+load:file=" + classLog),
                "run", "--listen", "127.0.0.1:0", "--war", war + ":/app", "--static", site.toString(),
                "--state", dir.resolve("state").toString())) {
            HttpClient client = HttpClient.newHttpClient();
            for (String path : List.of("/app/hello", "/index.html")) {
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(container.url("http").resolve(path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(path).isEqualTo(200);
            }

            Path jar = Path.of(System.getProperty("container.jar")).toAbsolutePath();
            String fromJar = " source: file:" + jar;
            TreeSet<String> loaded = new TreeSet<>();
            for (String line : Files.readAllLines(classLog)) {
                int at = line.indexOf(fromJar);
                if (at > 0) {
                    loaded.add(line.substring(line.lastIndexOf(' ', at - 1) + 1, at).replace('.', '/') + ".class");
                }
            }
            assertThat(loaded).as("classes loaded from %s", jar).hasSizeGreaterThan(500);
            TreeSet<String> deflated = new TreeSet<>();
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                for (String name : loaded) {
                    ZipEntry entry = zip.getEntry(name);
                    assertThat(entry).as(name).isNotNull();
                    if (entry.getMethod() != ZipEntry.STORED) {
                        deflated.add(name);
                    }
                }
            }
            assertThat(deflated).as("loaded at start but deflated in container.jar (add their package to"
                    + " startup.classes in container/pom.xml)").isEmpty();
        }
    }
}
