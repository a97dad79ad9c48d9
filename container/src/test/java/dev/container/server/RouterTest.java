package dev.container.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.container.config.HostSpec;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which host's handler a Host name picks: exact, then wildcard, then the default. */
class RouterTest {
    /** A stand-in for a host's routes: answers with its name in a response header. */
    private static Router.VirtualHost host(String id, boolean isDefault, String... names) {
        HttpHandler handler = exchange -> exchange.getResponseHeaders().put(io.undertow.util.HttpString.tryFromString("X-Host"), id);
        return new Router.VirtualHost(new HostSpec(id, List.of(names), isDefault, List.of(), Optional.empty()),
                List.of(new Route("/", handler)));
    }

    private static String pick(Router router, String hostName) throws Exception {
        HttpServerExchange exchange = new HttpServerExchange(null);
        exchange.setRelativePath("/");
        exchange.setRequestPath("/");
        router.hostFor(hostName).handleRequest(exchange);
        return exchange.getResponseHeaders().getFirst("X-Host");
    }

    @Test
    void exact_name_wins_over_wildcard_and_wildcard_over_default() throws Exception {
        Router router = new Router(List.of(host("main", true), host("docs", false, "*.docs.test"),
                host("api", false, "api.docs.test")));
        assertThat(pick(router, "api.docs.test")).isEqualTo("api");
        assertThat(pick(router, "www.docs.test")).isEqualTo("docs");
        assertThat(pick(router, "docs.test")).isEqualTo("main");
        assertThat(pick(router, "API.Docs.Test.")).isEqualTo("api");
    }

    @Test
    void a_router_needs_one_default_host_and_unique_names() {
        assertThatThrownBy(() -> new Router(List.of(host("a", false, "a.test")))).hasMessageContaining("no default host");
        assertThatThrownBy(() -> new Router(List.of(host("a", true, "x.test"), host("b", false, "x.test"))))
                .hasMessageContaining("claimed twice");
    }
}
