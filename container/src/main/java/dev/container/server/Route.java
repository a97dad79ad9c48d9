package dev.container.server;

import io.undertow.server.HttpHandler;

/** A handler serving everything under {@code prefix} ("/" or "/a/b", no trailing slash). */
public record Route(String prefix, HttpHandler handler) {
    /** The prefix of what answers a host's requests that no route claims (404): its metrics' app is empty. */
    public static final String UNCLAIMED = "";

    /** What answers the requests no route of a host claims. */
    static Route unclaimed(HttpHandler handler) {
        return new Route(UNCLAIMED, handler);
    }
}
