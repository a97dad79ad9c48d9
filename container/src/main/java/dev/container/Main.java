package dev.container;

import dev.container.cli.ContainerCommand;

/** Entry point of the container jar. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Undertow and XNIO log through JBoss Logging; send it to SLF4J/Logback with everything else.
        System.setProperty("org.jboss.logging.provider", "slf4j");
        System.exit(ContainerCommand.commandLine().execute(args));
    }
}
