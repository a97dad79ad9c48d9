package dev.container;

/**
 * A running part of the container (the certificates, the listeners, the apps, the jobs, the admin
 * channel ...), with one lifecycle, as Caddy's modules have: it is built (provisioned) from the
 * plan by its constructor, then {@link #start()}ed and, in reverse start order, {@link #stop()}ped
 * by the container's {@link Services}. {@link #stop()} is safe after a failed or partial
 * {@link #start()}, and safe to call twice.
 */
public interface Service {
    /** Its name in the control API and the log: "listeners", "jobs". */
    String name();

    void start() throws Exception;

    void stop();

    /** How it is doing now, one line for the control API ("2 certificates served"); empty when there is nothing to say. */
    default String describe() {
        return "";
    }
}
