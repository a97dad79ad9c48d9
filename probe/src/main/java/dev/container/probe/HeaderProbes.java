package dev.container.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** What a server's answers give away, and the response headers browsers rely on for static files. */
final class HeaderProbes {
    /** A product name followed by a version, as "nginx/1.22.1" or "Undertow 2.3.24.Final". */
    private static final Pattern VERSION = Pattern.compile("(?i)(undertow|jetty|tomcat|nginx|apache|java|jdk|caddy|wildfly)\\W*v?\\d+(\\.\\d+)+");

    private HeaderProbes() {
    }

    static List<Probe> all() {
        return List.of(
                new Probe("headers.nosniff", "a static file is sent with X-Content-Type-Options: nosniff", t -> {
                    Exchange x = Exchange.run(t, t.anyHttp1(), "GET " + t.file() + " HTTP/1.1\r\nHost: " + t.host() + "\r\nConnection: close\r\n\r\n");
                    String value = x.finals().isEmpty() ? null : x.finals().get(0).header("x-content-type-options").orElse(null);
                    return Outcome.of("nosniff".equals(value), x.describe() + ", X-Content-Type-Options: " + value);
                }),
                new Probe("headers.no-versions", "answers (200, 404, 400, 405) name no software version", t -> {
                    List<String> leaks = new ArrayList<>();
                    for (String request : List.of(
                            "GET " + t.file() + " HTTP/1.1\r\nHost: " + t.host() + "\r\nConnection: close\r\n\r\n",
                            "GET /probe-missing-page HTTP/1.1\r\nHost: " + t.host() + "\r\nConnection: close\r\n\r\n",
                            "GET " + t.file() + " HTTP/1.1\r\nHost: " + t.host() + "\r\nX Bad: 1\r\n\r\n",
                            "DELETE " + t.file() + " HTTP/1.1\r\nHost: " + t.host() + "\r\nConnection: close\r\n\r\n")) {
                        for (Reply r : Exchange.run(t, t.anyHttp1(), request).finals()) {
                            String server = r.header("server").orElse("");
                            if (VERSION.matcher(server).find()) {
                                leaks.add(r.status() + " Server: " + server);
                            }
                            var m = VERSION.matcher(r.body());
                            if (m.find()) {
                                leaks.add(r.status() + " body: " + m.group());
                            }
                        }
                    }
                    return Outcome.of(leaks.isEmpty(), leaks.isEmpty() ? "none found" : String.join("; ", leaks));
                }));
    }
}
