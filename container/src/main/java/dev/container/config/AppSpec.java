package dev.container.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One web application: a WAR file or an exploded directory, served at {@code contextPath}
 * ("/" for the root app, otherwise "/name" with no trailing slash). {@code name} identifies the
 * app in logs and in the state directory. {@code users} is what the app's security constraints
 * and login-config check logins against; with none, every login fails.
 */
public record AppSpec(Path source, String contextPath, boolean exploded, Optional<Users> users) {
    public AppSpec {
        ContextPaths.requireValid(contextPath);
    }

    public AppSpec(Path source, String contextPath, boolean exploded) {
        this(source, contextPath, exploded, Optional.empty());
    }

    public AppSpec withUsers(Optional<Users> users) {
        return new AppSpec(source, contextPath, exploded, users);
    }

    /** A short, file-name-safe name: "ROOT" for "/", else the context path without its slash. */
    public String name() {
        return contextPath.equals("/") ? "ROOT" : contextPath.substring(1).replace('/', '#');
    }
}
