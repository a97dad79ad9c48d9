package dev.container.files;

import io.undertow.util.MimeMappings;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Content-Type header for a file name, and whether that type is worth compressing.
 * Undertow's defaults, with the modern types browsers expect (RFC 9239 text/javascript,
 * RFC 8081 font/*, wasm, avif, ...) and "; charset=utf-8" on text types as Caddy and nginx send.
 * Built once into an immutable table; thread-safe.
 */
final class ContentTypes {
    /** A Content-Type header value and whether on-the-fly gzip pays off for it. */
    record Type(String header, boolean compressible) {
    }

    static final Type UNKNOWN = new Type("application/octet-stream", false);

    /** Added to or replacing Undertow's defaults (application/javascript, application/font-woff2, ...). */
    private static final Map<String, String> MODERN = Map.ofEntries(
            Map.entry("js", "text/javascript"),
            Map.entry("mjs", "text/javascript"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"),
            Map.entry("jxl", "image/jxl"),
            Map.entry("ico", "image/vnd.microsoft.icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("md", "text/markdown"),
            Map.entry("csv", "text/csv"),
            Map.entry("gz", "application/gzip"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("opus", "audio/ogg"));

    private static final Map<String, Type> BY_EXTENSION = table();

    private ContentTypes() {
    }

    static Type of(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0 || dot == fileName.length() - 1) {
            return UNKNOWN;
        }
        return BY_EXTENSION.getOrDefault(fileName.substring(dot + 1).toLowerCase(Locale.ROOT), UNKNOWN);
    }

    private static Map<String, Type> table() {
        Map<String, String> mimes = new HashMap<>(MimeMappings.DEFAULT_MIME_MAPPINGS);
        mimes.putAll(MODERN);
        Map<String, Type> table = new HashMap<>();
        mimes.forEach((extension, mime) -> table.put(extension, type(mime)));
        return Map.copyOf(table);
    }

    private static Type type(String mime) {
        boolean text = mime.startsWith("text/");
        return new Type(text ? mime + "; charset=utf-8" : mime, text || isCompressibleApplicationType(mime));
    }

    /** Structured text that compresses well; wasm and already compressed formats stay out. */
    private static boolean isCompressibleApplicationType(String mime) {
        return mime.equals("application/javascript") || mime.equals("application/json")
                || mime.equals("application/xml") || mime.equals("image/svg+xml")
                || mime.endsWith("+json") || mime.endsWith("+xml");
    }
}
