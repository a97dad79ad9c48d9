package dev.container.admin;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * An app as people and the API name it: a host and a context path. The commands and the log write
 * {@code /shop} (the default host) or {@code main:/shop} (host id {@code main}); the API's paths
 * are {@code apps/HOST/PATH}, with {@code _} for the default host and the context path without
 * its leading slash, {@code ROOT} for {@code /} (as Tomcat names the root app):
 * {@code apps/_/shop}, {@code apps/main/api/v2}, {@code apps/_/ROOT}.
 *
 * @param host the host id; empty for the default host
 */
public record AppRef(Optional<String> host, String contextPath) {
    /** The host segment of the API's paths that stands for the default host. */
    public static final String DEFAULT_HOST = "_";
    /** The path segment of the API's paths that stands for the context path {@code /}. */
    public static final String ROOT = "ROOT";

    public AppRef {
        if (!contextPath.startsWith("/")) {
            throw new IllegalArgumentException("a context path starts with '/': " + contextPath);
        }
        host = host.filter(h -> !h.isEmpty() && !h.equals(DEFAULT_HOST));
    }

    /**
     * {@code /shop}, {@code main:/shop}, {@code /} or {@code main:/}, as the commands take them
     * (a path without its slash is taken as if it had one).
     */
    public static AppRef parse(String argument) {
        if (argument.isEmpty()) {
            throw new IllegalArgumentException("an app is PATH or HOST:PATH, such as /shop or main:/shop");
        }
        if (argument.startsWith("/")) {
            return new AppRef(Optional.empty(), argument);
        }
        int colon = argument.indexOf(':');
        if (colon < 0) {
            return new AppRef(Optional.empty(), "/" + argument);
        }
        String path = argument.substring(colon + 1);
        return new AppRef(Optional.of(argument.substring(0, colon)), path.startsWith("/") ? path : "/" + path);
    }

    /** The app of the API path's segments after {@code apps}: HOST and the path's segments; empty when there are none. */
    public static Optional<AppRef> fromSegments(List<String> segments) {
        if (segments.size() < 2) {
            return Optional.empty();
        }
        List<String> path = segments.subList(1, segments.size());
        String contextPath = path.equals(List.of(ROOT)) ? "/" : "/" + String.join("/", path);
        return Optional.of(new AppRef(Optional.of(segments.get(0)), contextPath));
    }

    /** The app's path in the API: {@code apps/_/shop}. */
    public String apiPath() {
        String path = contextPath.equals("/") ? ROOT : contextPath.substring(1);
        StringBuilder out = new StringBuilder("apps/").append(encode(host.orElse(DEFAULT_HOST)));
        for (String segment : path.split("/")) {
            out.append('/').append(encode(segment));
        }
        return out.toString();
    }

    /** The part of {@link #apiPath} after {@code apps/}: the app's id in the API's JSON. */
    public String id() {
        return apiPath().substring("apps/".length());
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** As the log and the commands write it: {@code main:/shop}, {@code /shop}. */
    @Override
    public String toString() {
        return host.map(h -> h + ":").orElse("") + contextPath;
    }
}
