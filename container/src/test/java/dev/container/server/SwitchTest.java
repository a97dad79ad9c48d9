package dev.container.server;

import dev.container.testing.UndertowFixture;
import io.undertow.server.HttpHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SwitchTest {
    private static HttpHandler answer(String text) {
        return exchange -> exchange.getResponseSender().send(text);
    }

    @Test
    void old_routes_count_their_running_request_until_it_completes_while_new_requests_take_the_new_ones()
            throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpHandler slow = exchange -> {
            if (exchange.isInIoThread()) {
                exchange.dispatch(exchange.getConnection().getWorker(), () -> {
                    entered.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.getResponseSender().send("old");
                });
            }
        };
        Switch routes = new Switch(slow);
        try (var server = UndertowFixture.mount("/", routes)) {
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> new String(server.get("/").body()));
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

            Switch.Routes old = routes.set(answer("new"));

            assertThat(new String(server.get("/").body())).isEqualTo("new");
            assertThat(old.running()).isEqualTo(1);
            assertThat(old.awaitIdle(Duration.ofMillis(100))).isFalse();
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("old");
            assertThat(old.awaitIdle(Duration.ofSeconds(10))).isTrue();
        }
    }
}
