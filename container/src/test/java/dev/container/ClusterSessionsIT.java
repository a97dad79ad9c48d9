package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.ContainerProcess;
import dev.container.testing.Postgres;
import dev.container.testing.WarBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packaged-jar containers sharing one PostgreSQL, as two nodes behind a load balancer: a
 * distributable app's session counter goes on counting with requests alternating between them,
 * and after the node that made the session is killed with SIGKILL (the schema, V10 included,
 * comes from the jar's own migrations).
 */
class ClusterSessionsIT {
    @RegisterExtension
    static final Postgres postgres = new Postgres();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void a_session_counter_goes_on_across_nodes_and_after_its_node_is_killed() throws Exception {
        Path war = new WarBuilder().java("app.Count", """
                package app;
                @jakarta.servlet.annotation.WebServlet("/count")
                public class Count extends jakarta.servlet.http.HttpServlet {
                    protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                            jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                        var session = req.getSession();
                        Integer count = (Integer) session.getAttribute("count");
                        count = count == null ? 1 : count + 1;
                        session.setAttribute("count", count);
                        resp.getWriter().print(count);
                    }
                }
                """).file("WEB-INF/web.xml", """
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0"><distributable/></web-app>
                """).buildWar(dir.resolve("shop.war"));
        Files.writeString(dir.resolve("storage.key"), "nqnt/e9gIort/jPwGfdApEBiQivmOi5qfOq2waHjiDw=\n");
        Path config = Files.writeString(dir.resolve("container.conf"), """
                storage {
                  type = postgres
                  url = "%s"
                  user = "%s"
                  password = "%s"
                  key-file = storage.key
                }
                """.formatted(postgres.url(), postgres.user(), postgres.password()));
        try (ContainerProcess a = node(config, war, "a"); ContainerProcess b = node(config, war, "b")) {
            assertThat(a.log()).contains("app /shop: <distributable/>: sessions kept in PostgreSQL");
            HttpResponse<String> first = get(a, null);
            String cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            List<String> counts = new ArrayList<>(List.of(first.body()));
            for (int i = 0; i < 5; i++) {
                counts.add(get(i % 2 == 0 ? b : a, cookie).body());
            }
            a.signal("KILL");
            a.awaitExit();
            counts.add(get(b, cookie).body());
            counts.add(get(b, cookie).body());
            assertThat(counts).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
        }
    }

    private ContainerProcess node(Path config, Path war, String name) throws Exception {
        return ContainerProcess.start("run", "--config", config.toString(), "--listen", "127.0.0.1:0",
                "--state", Files.createDirectories(dir.resolve("state-" + name)).toString(), "--war", war.toString());
    }

    private static HttpResponse<String> get(ContainerProcess node, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.url("http") + "shop/count"));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s\n%s", response.body(), node.log()).isEqualTo(200);
        return response;
    }
}
