package dev.container.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.accesslog.AccessLogReceiver;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The access log's {@code json} format: one JSON object per request, on one line, for log shippers:
 * <pre>
 * {"time":"2026-11-22T10:15:30.123Z","remote_addr":"203.0.113.7","method":"GET","path":"/shop/cart",
 *  "query":"id=3","protocol":"HTTP/1.1","status":200,"bytes_sent":5120,"duration_ms":12,
 *  "user_agent":"curl/8.5.0","referer":null,"host":"example.com"}
 * </pre>
 * {@code time} is when the request reached this handler (its head read), in UTC; {@code path} and
 * {@code query} are as the client sent them (not decoded; the path without scheme and authority
 * when the request line had them), taken then, before an app's forward can change them;
 * {@code duration_ms} runs from then to the end of the response. A value the request did not have
 * (no query, no User-Agent, Referer or Host) is null. The line is made on the thread that ends the
 * exchange and handed to the receiver, which only queues it. Thread-safe.
 */
final class JsonAccessLog implements HttpHandler {
    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX")
            .withZone(ZoneOffset.UTC);

    private final HttpHandler next;
    private final AccessLogReceiver receiver;

    JsonAccessLog(HttpHandler next, AccessLogReceiver receiver) {
        this.next = next;
        this.receiver = receiver;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        long began = System.nanoTime();
        Instant time = Instant.now();
        String method = exchange.getRequestMethod().toString();
        String path = path(exchange);
        String query = exchange.getQueryString();
        exchange.addExchangeCompleteListener((done, nextListener) -> {
            try {
                receiver.logMessage(line(done, time, method, path, query, (System.nanoTime() - began) / 1_000_000));
            } finally {
                nextListener.proceed();
            }
        });
        next.handleRequest(exchange);
    }

    private static String path(HttpServerExchange exchange) {
        String uri = exchange.getRequestURI();
        if (exchange.isHostIncludedInRequestURI()) {
            int authority = uri.indexOf("://");
            int slash = authority < 0 ? -1 : uri.indexOf('/', authority + 3);
            return slash < 0 ? "/" : uri.substring(slash);
        }
        return uri;
    }

    static String line(HttpServerExchange exchange, Instant time, String method, String path, String query, long millis) {
        StringWriter out = new StringWriter(320);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("time", TIME.format(time));
            InetSocketAddress source = exchange.getSourceAddress();
            json.writeStringField("remote_addr", source == null || source.getAddress() == null ? null
                    : source.getAddress().getHostAddress());
            json.writeStringField("method", method);
            json.writeStringField("path", path);
            json.writeStringField("query", query == null || query.isEmpty() ? null : query);
            json.writeStringField("protocol", exchange.getProtocol().toString());
            json.writeNumberField("status", exchange.getStatusCode());
            json.writeNumberField("bytes_sent", exchange.getResponseBytesSent());
            json.writeNumberField("duration_ms", millis);
            json.writeStringField("user_agent", exchange.getRequestHeaders().getFirst(Headers.USER_AGENT));
            json.writeStringField("referer", exchange.getRequestHeaders().getFirst(Headers.REFERER));
            json.writeStringField("host", exchange.getRequestHeaders().getFirst(Headers.HOST));
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }
}
