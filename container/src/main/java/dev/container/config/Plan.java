package dev.container.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything the server needs to know, validated and immutable. Built from the command line
 * (and later a config file) by {@link PlanBuilder}; the server is built from it and nothing else.
 *
 * @param shutdownTimeout how long in-flight requests may take to finish after SIGTERM
 */
public record Plan(List<ListenerSpec> listeners, List<AppSpec> apps, List<StaticSpec> statics,
                   Path stateDir, Duration shutdownTimeout) {
    public Plan {
        listeners = List.copyOf(listeners);
        apps = List.copyOf(apps);
        statics = List.copyOf(statics);
    }
}
