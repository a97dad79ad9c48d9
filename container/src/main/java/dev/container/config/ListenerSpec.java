package dev.container.config;

/**
 * One plain-HTTP listener. {@code host} is an IP literal or name to bind ("0.0.0.0" for all
 * IPv4 interfaces, "::" for all); {@code port} 0 asks the OS for a free port.
 */
public record ListenerSpec(String host, int port) {
    public ListenerSpec {
        if (host.isEmpty()) {
            throw new IllegalArgumentException("listener host must not be empty");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
    }

    /** The address as a user would write it in a URL authority: IPv6 literals in brackets. */
    public String authority(int actualPort) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return h + ":" + actualPort;
    }
}
