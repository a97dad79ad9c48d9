package dev.container.config;

/**
 * One app's share of the worker threads, so that an app whose requests block cannot starve the
 * other apps and the static files: at most {@code maxRequests} of its requests run on worker
 * threads at once, up to {@code maxQueued} more wait for one of those (holding no thread), and
 * the app answers 503 with Retry-After beyond that. The worker pool grows to the sum of the
 * apps' maxRequests plus a reserve for everything else.
 *
 * @param maxRequests requests of the app running on worker threads at once (Tomcat's maxThreads)
 * @param maxQueued requests of the app waiting for one of those (Tomcat's acceptCount)
 */
public record AppLimits(int maxRequests, int maxQueued) {
    /**
     * 200 running, as the whole pool had before apps had shares (and as Tomcat's maxThreads), so a
     * single app keeps what it had; 1000 waiting, which a burst of a few hundred connections
     * (each HTTP/2 one with several streams) does not fill.
     */
    public static final AppLimits DEFAULT = new AppLimits(200, 1000);

    public AppLimits {
        if (maxRequests < 1 || maxQueued < 0) {
            throw new IllegalArgumentException("need maxRequests >= 1 and maxQueued >= 0, got " + maxRequests
                    + " and " + maxQueued);
        }
    }
}
