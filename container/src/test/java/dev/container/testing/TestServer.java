package dev.container.testing;

import dev.container.Container;
import dev.container.Launcher;
import dev.container.config.Plan;
import dev.container.config.PlanBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A real container on an ephemeral port of 127.0.0.1, for one test or one test class:
 * {@code try (var server = TestServer.start(state, p -> p.war(...))) { server.get("/x") }}.
 */
public final class TestServer implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final Container container;
    private final URI base;

    private TestServer(Container container) {
        this.container = container;
        this.base = container.urls().get(0);
    }

    public static TestServer start(Path stateDir, Consumer<PlanBuilder> plan) {
        PlanBuilder builder = new PlanBuilder().listen("127.0.0.1:0").stateDir(stateDir)
                .shutdownTimeout(Duration.ofSeconds(5));
        plan.accept(builder);
        return new TestServer(Container.start(builder.build()));
    }

    /**
     * A server run as {@code container run --config FILE} runs it: a reload (POST /reload) reads
     * the file again; a stop (POST /stop) closes the container, the test goes on.
     */
    public static TestServer startConfig(Path config) {
        Launcher launcher = new Launcher() {
            @Override
            public Optional<Path> configFile() {
                return Optional.of(config);
            }

            @Override
            public Plan readPlan() {
                return new PlanBuilder().configFile(config).build();
            }

            @Override
            public void requestStop(Container container) {
                Launcher.EMBEDDED.requestStop(container);
            }
        };
        return new TestServer(Container.start(launcher.readPlan(), launcher));
    }

    public Container container() {
        return container;
    }

    /** A server whose listeners are all the plan's own (no plain 127.0.0.1:0 added), e.g. HTTPS only. */
    public static TestServer startWith(Path stateDir, Consumer<PlanBuilder> plan) {
        PlanBuilder builder = new PlanBuilder().stateDir(stateDir).shutdownTimeout(Duration.ofSeconds(5));
        plan.accept(builder);
        return new TestServer(Container.start(builder.build()));
    }

    public URI uri(String path) {
        return base.resolve(path);
    }

    public int port() {
        return base.getPort();
    }

    public HttpClient client() {
        return CLIENT;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        container.close();
    }
}
