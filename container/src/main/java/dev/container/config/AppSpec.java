package dev.container.config;

import java.nio.file.Path;

/**
 * One web application: a WAR file or an exploded directory, served at {@code contextPath}
 * ("/" for the root app, otherwise "/name" with no trailing slash). {@code name} identifies the
 * app in logs and in the state directory.
 */
public record AppSpec(Path source, String contextPath, boolean exploded) {
    public AppSpec {
        ContextPaths.requireValid(contextPath);
    }

    /** A short, file-name-safe name: "ROOT" for "/", else the context path without its slash. */
    public String name() {
        return contextPath.equals("/") ? "ROOT" : contextPath.substring(1).replace('/', '#');
    }
}
