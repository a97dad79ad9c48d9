package dev.container.config;

import java.util.Locale;

/** Tomcat's rules for context paths: pure functions, no I/O. */
public final class ContextPaths {
    private ContextPaths() {
    }

    /**
     * The context path Tomcat gives a WAR file or directory name: {@code shop.war -> /shop},
     * {@code ROOT.war -> /}, {@code api#v2.war -> /api/v2} ('#' stands for '/').
     */
    public static String fromFileName(String fileName) {
        String base = fileName;
        if (base.toLowerCase(Locale.ROOT).endsWith(".war")) {
            base = base.substring(0, base.length() - 4);
        }
        if (base.equals("ROOT") || base.isEmpty()) {
            return "/";
        }
        return "/" + base.replace('#', '/');
    }

    /** Why {@code path} is not a usable context path or mount prefix, or null when it is. */
    public static String problem(String path) {
        if (path.equals("/")) {
            return null;
        }
        if (!path.startsWith("/")) {
            return "must start with '/'";
        }
        if (path.endsWith("/")) {
            return "must not end with '/'";
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "has an empty, '.' or '..' segment";
            }
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= ' ' || c == '\\' || c == '?' || c == '#' || c == '%' || c == ';' || c == 0x7f) {
                return "contains '" + (c <= ' ' ? "\\u" + String.format("%04x", (int) c) : String.valueOf(c)) + "'";
            }
        }
        return null;
    }

    static void requireValid(String path) {
        String problem = problem(path);
        if (problem != null) {
            throw new IllegalArgumentException("context path '" + path + "' " + problem);
        }
    }
}
