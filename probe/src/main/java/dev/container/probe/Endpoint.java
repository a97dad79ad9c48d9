package dev.container.probe;

import java.net.URI;

/** Where a listener is: host and port, and whether it speaks TLS. */
public record Endpoint(String host, int port, boolean tls) {
    /** From {@code http://host:port/} or {@code https://host:port/}; the default ports when none is given. */
    public static Endpoint of(URI url) {
        boolean tls = switch (url.getScheme()) {
            case "http" -> false;
            case "https" -> true;
            default -> throw new IllegalArgumentException("not an http(s) URL: " + url);
        };
        if (url.getHost() == null) {
            throw new IllegalArgumentException("no host in " + url);
        }
        int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        return new Endpoint(url.getHost(), port, tls);
    }

    /** host:port, as a Host header names this endpoint. */
    public String authority() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return (tls ? "https://" : "http://") + authority() + "/";
    }
}
