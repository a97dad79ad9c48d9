package dev.container;

/**
 * A running part of the container. {@link #stop()} is safe after a failed or partial
 * {@link #start()}, and safe to call twice.
 */
public interface Service {
    String name();

    void start() throws Exception;

    void stop();
}
