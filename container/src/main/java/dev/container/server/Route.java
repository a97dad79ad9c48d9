package dev.container.server;

import io.undertow.server.HttpHandler;

/** A handler serving everything under {@code prefix} ("/" or "/a/b", no trailing slash). */
public record Route(String prefix, HttpHandler handler) {
}
