package dev.container.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an app's {@code java:comp/env} holds besides its env entries: its DataSources
 * ({@code apps[].resources}), the jars their JDBC drivers come from when the WAR ships none
 * ({@code apps[].jars}, on the app's class path after WEB-INF/lib, as Tomcat's lib/ is), and
 * where the app is written in the config file, so that a reference nothing satisfies can say
 * where to add it. Equality ignores {@code declaredAt}, as {@link DataSourceSpec}'s does its origin.
 *
 * @param declaredAt the app's entry in the config file; empty for an app from the command line
 */
public record AppResources(List<DataSourceSpec> dataSources, List<Path> jars, Optional<Origin> declaredAt) {
    /** An app from the command line: nothing configured, and no file to configure it in. */
    public static final AppResources NONE = new AppResources(List.of(), List.of(), Optional.empty());

    public AppResources {
        dataSources = List.copyOf(dataSources);
        jars = List.copyOf(jars);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AppResources r && dataSources.equals(r.dataSources) && jars.equals(r.jars);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dataSources, jars);
    }
}
