package dev.container;

import dev.container.cli.ContainerCommand;
import java.lang.management.ManagementFactory;

/** Entry point of the container jar. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Undertow and XNIO log through JBoss Logging; send it to SLF4J/Logback with everything else.
        System.setProperty("org.jboss.logging.provider", "slf4j");
        // The shaded jar carries no per-library manifests, so Logback's version check would warn
        // and print its whole start-up status; the container's logging needs no such report.
        if (System.getProperty("logback.statusListenerClass") == null) {
            System.setProperty("logback.statusListenerClass", "ch.qos.logback.core.status.NopStatusListener");
        }
        warmUpPlatformMBeanServer();
        System.exit(ContainerCommand.commandLine(args).execute(args));
    }

    /**
     * XNIO registers an MBean when it starts, and creating the platform MBean server costs ~80 ms;
     * doing it on a spare core while the command line and logging are set up takes it off the
     * path to the first response.
     */
    private static void warmUpPlatformMBeanServer() {
        Thread warm = new Thread(ManagementFactory::getPlatformMBeanServer, "warm-up-jmx");
        warm.setDaemon(true);
        warm.start();
    }
}
