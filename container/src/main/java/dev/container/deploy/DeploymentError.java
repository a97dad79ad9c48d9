package dev.container.deploy;

/**
 * An application cannot be deployed because of something in the application itself: a bad
 * web.xml (the message names file and line), a missing class, a corrupt WAR. The message is one
 * line meant for the user; the container logs it and answers 503 for that app.
 */
public final class DeploymentError extends Exception {
    public DeploymentError(String message) {
        super(message);
    }

    public DeploymentError(String message, Throwable cause) {
        super(message, cause);
    }
}
