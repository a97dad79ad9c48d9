package dev.container.config;

/**
 * One listener. {@code host} is an IP literal or name to bind ("0.0.0.0" for all IPv4
 * interfaces, "::" for all); {@code port} 0 asks the OS for a free port; {@code tls} makes it
 * HTTPS (HTTP/2 by ALPN, HTTP/1.1 otherwise) with the plan's certificates; {@code h2c} lets a
 * plain listener speak HTTP/2 in cleartext too (prior knowledge, and the Upgrade: h2c header),
 * for a proxy in front or for trying HTTP/2 out without certificates.
 */
public record ListenerSpec(String host, int port, boolean tls, boolean h2c) {
    public ListenerSpec {
        if (tls && h2c) {
            throw new IllegalArgumentException("h2c is for plain listeners: HTTPS speaks h2 by ALPN");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("listener host must not be empty");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
    }

    /** A plain-HTTP listener. */
    public ListenerSpec(String host, int port) {
        this(host, port, false, false);
    }

    /** A plain-HTTP listener (tls false) or an HTTPS one, without h2c. */
    public ListenerSpec(String host, int port, boolean tls) {
        this(host, port, tls, false);
    }

    public ListenerSpec withTls() {
        return new ListenerSpec(host, port, true, false);
    }

    /** This plain listener, speaking HTTP/2 in cleartext too. */
    public ListenerSpec withH2c() {
        return new ListenerSpec(host, port, false, true);
    }

    public String scheme() {
        return tls ? "https" : "http";
    }

    /** The address as a user would write it in a URL authority: IPv6 literals in brackets. */
    public String authority(int actualPort) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return h + ":" + actualPort;
    }
}
