package dev.container.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** A java.net.http WebSocket round trip: connect, send one text message, return the first reply. */
public final class WebSocketClient {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private WebSocketClient() {
    }

    /** Sends {@code message} to the endpoint at {@code uri} (ws://...) and returns what it answers. */
    public static String roundTrip(URI uri, String message) throws Exception {
        return roundTrip(CLIENT, uri, message);
    }

    /** The same through client (e.g. one trusting a test CA, for wss://). */
    public static String roundTrip(HttpClient client, URI uri, String message) throws Exception {
        var reply = new CompletableFuture<String>();
        var text = new StringBuilder();
        WebSocket socket = client.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            reply.complete(text.toString());
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        reply.completeExceptionally(new AssertionError("closed by the server: " + statusCode + " " + reason));
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        reply.completeExceptionally(error);
                    }
                })
                .get(10, TimeUnit.SECONDS);
        try {
            socket.sendText(message, true).get(10, TimeUnit.SECONDS);
            return reply.get(10, TimeUnit.SECONDS);
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
        }
    }

    /** The ws:// form of an http:// URI from {@link TestServer#uri}. */
    public static URI ws(URI http) {
        return URI.create("ws" + http.toString().substring("http".length()));
    }
}
