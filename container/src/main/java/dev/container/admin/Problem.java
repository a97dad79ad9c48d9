package dev.container.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An error answer of the control API, as RFC 9457 describes it ({@code application/problem+json}):
 * {@code type} names the kind of problem ({@code tag:container,2026:SLUG}, listed in
 * docs/operations.md), {@code title} says it in a few words, {@code detail} says what happened
 * here in one line a person can act on; some kinds add members ({@code problems} for a refused
 * reload, {@code reasons} for not ready).
 */
record Problem(int status, String slug, String title, String detail, Map<String, Object> extensions) {
    static final String MEDIA_TYPE = "application/problem+json";
    static final String TYPE_PREFIX = "tag:container,2026:";

    Problem {
        extensions = Map.copyOf(extensions);
    }

    Problem(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, Map.of());
    }

    Problem with(String member, List<String> values) {
        Map<String, Object> more = new LinkedHashMap<>(extensions);
        more.put(member, List.copyOf(values));
        return new Problem(status, slug, title, detail, more);
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE_PREFIX + slug);
        m.put("title", title);
        m.put("status", status);
        m.put("detail", detail);
        m.putAll(extensions);
        return m;
    }
}
