package dev.container;

/**
 * The server cannot start for a reason the user can fix: a port in use, a state directory that
 * cannot be written. One line, no stack trace; the CLI exits 2.
 */
public final class StartupError extends RuntimeException {
    public StartupError(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
