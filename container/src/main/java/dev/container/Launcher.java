package dev.container;

import dev.container.config.Plan;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What started the container, for what only it can do: read the configuration again (a reload
 * through the admin channel, as SIGHUP does) and stop the process (as SIGTERM does).
 * {@code container run} is one; {@link #EMBEDDED} serves a container started from a plan alone.
 */
public interface Launcher {
    /** Started from a plan alone (tests, embedding): nothing to reload; a stop closes the container, the process goes on. */
    Launcher EMBEDDED = new Launcher() {
        @Override
        public Optional<Path> configFile() {
            return Optional.empty();
        }

        @Override
        public Plan readPlan() {
            throw new IllegalStateException("no configuration to read again");
        }

        @Override
        public void requestStop(Container container) {
            Thread stop = new Thread(container::close, "stop");
            stop.setDaemon(true);
            stop.start();
        }
    };

    /** The config file the plan is read from; empty when there is none, and then there is nothing to reload. */
    Optional<Path> configFile();

    /**
     * The plan read again as at the start (the file and the flags); a
     * {@link dev.container.config.ConfigError} lists every problem. Called only with a config file.
     */
    Plan readPlan();

    /** Begins the graceful stop of SIGTERM and returns at once: the container closes on another thread. */
    void requestStop(Container container);
}
