package dev.container.deploy;

import static dev.container.testing.WebSocketClient.roundTrip;
import static dev.container.testing.WebSocketClient.ws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jakarta WebSocket endpoints in deployed WARs, spoken to with java.net.http's WebSocket client:
 * annotated ones found by the scan, programmatic ones from a ServerApplicationConfig and from a
 * listener through the ServerContainer attribute.
 */
class WebSocketTest {
    @TempDir
    static Path state;
    @TempDir
    static Path wars;
    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        Path annotated = new WarBuilder()
                .java("app.Echo", """
                        package app;
                        @jakarta.websocket.server.ServerEndpoint("/echo/{name}")
                        public class Echo {
                            @jakarta.websocket.OnMessage
                            public String echo(String message,
                                    @jakarta.websocket.server.PathParam("name") String name) {
                                return name + ":" + message;
                            }
                        }
                        """)
                // Apps built for other servers ship the API; the container's copy must still win.
                .lib("jakarta.websocket-api.jar", WarBuilder.jarOf(jakarta.websocket.server.ServerEndpoint.class))
                .lib("jakarta.websocket-client-api.jar", WarBuilder.jarOf(jakarta.websocket.Endpoint.class))
                .buildWar(wars.resolve("annotated.war"));
        Path configured = new WarBuilder()
                .java("app.Upper", """
                        package app;
                        public class Upper extends jakarta.websocket.Endpoint {
                            public void onOpen(jakarta.websocket.Session session, jakarta.websocket.EndpointConfig config) {
                                session.addMessageHandler(String.class,
                                        text -> session.getAsyncRemote().sendText(text.toUpperCase()));
                            }
                        }
                        """)
                .java("app.Ignored", """
                        package app;
                        @jakarta.websocket.server.ServerEndpoint("/ignored")
                        public class Ignored {
                            @jakarta.websocket.OnMessage
                            public String echo(String message) { return message; }
                        }
                        """)
                .java("app.Config", """
                        package app;
                        import jakarta.websocket.Endpoint;
                        import jakarta.websocket.server.ServerEndpointConfig;
                        import java.util.Set;
                        import java.util.stream.Collectors;
                        public class Config implements jakarta.websocket.server.ServerApplicationConfig {
                            public Set<ServerEndpointConfig> getEndpointConfigs(Set<Class<? extends Endpoint>> found) {
                                return found.stream()
                                        .map(c -> ServerEndpointConfig.Builder.create(c, "/" + c.getSimpleName().toLowerCase()).build())
                                        .collect(Collectors.toSet());
                            }
                            public Set<Class<?>> getAnnotatedEndpointClasses(Set<Class<?>> found) {
                                return Set.of();
                            }
                        }
                        """)
                .buildWar(wars.resolve("configured.war"));
        Path fromListener = new WarBuilder()
                .java("app.Reverse", """
                        package app;
                        public class Reverse extends jakarta.websocket.Endpoint {
                            public void onOpen(jakarta.websocket.Session session, jakarta.websocket.EndpointConfig config) {
                                session.addMessageHandler(String.class, text ->
                                        session.getAsyncRemote().sendText(new StringBuilder(text).reverse().toString()));
                            }
                        }
                        """)
                .java("app.Registrar", """
                        package app;
                        @jakarta.servlet.annotation.WebListener
                        public class Registrar implements jakarta.servlet.ServletContextListener {
                            public void contextInitialized(jakarta.servlet.ServletContextEvent e) {
                                var container = (jakarta.websocket.server.ServerContainer) e.getServletContext()
                                        .getAttribute("jakarta.websocket.server.ServerContainer");
                                try {
                                    container.addEndpoint(jakarta.websocket.server.ServerEndpointConfig.Builder
                                            .create(Reverse.class, "/reverse").build());
                                } catch (jakarta.websocket.DeploymentException ex) {
                                    throw new IllegalStateException(ex);
                                }
                            }
                        }
                        """)
                .buildWar(wars.resolve("listener.war"));
        server = TestServer.start(state, p -> p.war(annotated.toString()).war(configured.toString())
                .war(fromListener.toString()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void annotated_endpoint_echoes_a_message_with_its_path_parameter() throws Exception {
        assertThat(roundTrip(ws(server.uri("/annotated/echo/ann")), "hello")).isEqualTo("ann:hello");
    }

    @Test
    void endpoint_returned_by_a_server_application_config_is_deployed() throws Exception {
        assertThat(roundTrip(ws(server.uri("/configured/upper")), "hello")).isEqualTo("HELLO");
    }

    @Test
    void annotated_endpoint_left_out_by_the_server_application_config_is_not_deployed() {
        assertThatThrownBy(() -> roundTrip(ws(server.uri("/configured/ignored")), "hello"))
                .hasStackTraceContaining("WebSocketHandshakeException");
    }

    @Test
    void endpoint_added_by_a_listener_through_the_server_container_attribute_is_deployed() throws Exception {
        assertThat(roundTrip(ws(server.uri("/listener/reverse")), "hello")).isEqualTo("olleh");
    }

    @Test
    void plain_http_request_to_an_endpoint_path_is_not_upgraded() {
        assertThat(server.get("/annotated/echo/x").statusCode()).isEqualTo(404);
    }

}
