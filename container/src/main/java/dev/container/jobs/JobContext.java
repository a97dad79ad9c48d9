package dev.container.jobs;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What jobs need of the running container, answered at each run (the answers change with reloads
 * and redeploys). Implemented by the composition root; called from job threads, so thread-safe.
 */
public interface JobContext {
    /** The state directory: where command jobs run unless they name a directory. */
    Path stateDir();

    /** Where the first plain-HTTP listener can be reached from this process (loopback for a wildcard bind). */
    Optional<InetSocketAddress> plainHttp();

    /** The Host header for a request to host (an id of the plan's hosts), or to the default host. */
    String hostHeader(Optional<String> host);

    /** The class loader of the running app at contextPath on host (or the default host), if it runs. */
    Optional<ClassLoader> appClassLoader(String contextPath, Optional<String> host);
}
