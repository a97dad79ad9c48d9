package dev.container;

import static dev.container.testing.Cluster.cookie;
import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.Cluster;
import dev.container.testing.ContainerProcess;
import dev.container.testing.Postgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
        Cluster cluster = Cluster.onMain(postgres, dir);
        String app = "apps = [{ war = \"" + Cluster.counterWar(dir.resolve("shop.war")) + "\" }]";
        try (ContainerProcess a = cluster.process("a", app); ContainerProcess b = cluster.process("b", app)) {
            assertThat(a.log()).contains("app /shop: <distributable/>: sessions kept in PostgreSQL");
            HttpResponse<String> first = get(a, null);
            String cookie = cookie(first);
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
