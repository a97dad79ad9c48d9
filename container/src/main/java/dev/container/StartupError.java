package dev.container;

/**
 * The server cannot start for a reason the user can fix: a port in use, a state directory that
 * cannot be written. One line, no stack trace; the CLI exits 2 (conf/container.service does not
 * restart it), or {@link #TEMPORARY} for a cause that may pass by itself (a database that is not
 * up yet), which the unit restarts.
 */
public final class StartupError extends RuntimeException {
    /** The exit status of a start that failed for a cause that may pass: EX_TEMPFAIL of sysexits.h. */
    public static final int TEMPORARY = 75;
    /** The exit status of every other failed start, as a config error's. */
    public static final int FINAL = 2;

    private final int exitStatus;

    public StartupError(String message, Throwable cause) {
        this(message, cause, FINAL);
    }

    private StartupError(String message, Throwable cause, int exitStatus) {
        super(message, cause, false, false);
        this.exitStatus = exitStatus;
    }

    /** A failed start that trying again later may mend: the process exits {@link #TEMPORARY}. */
    public static StartupError temporary(String message, Throwable cause) {
        return new StartupError(message, cause, TEMPORARY);
    }

    /** What the process exits with: {@link #FINAL} or {@link #TEMPORARY}. */
    public int exitStatus() {
        return exitStatus;
    }
}
