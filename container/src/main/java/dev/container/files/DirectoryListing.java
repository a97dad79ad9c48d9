package dev.container.files;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A plain HTML index of one directory: sub-directories first, then files, by name. Names are
 * HTML-escaped and links percent-encoded and relative, so the page works under any mount
 * prefix. Undertow's DirectoryUtils escapes neither (a file named {@code <script>...} would run)
 * and needs its ?js/?css side resources, hence our own. Stateless, thread-safe.
 */
final class DirectoryListing {
    private record Item(String name, boolean directory, long size) {
    }

    private DirectoryListing() {
    }

    /** Sends the listing of dir, whose URL (ending in "/") the exchange requested. */
    static void send(HttpServerExchange exchange, Path dir, boolean atMountRoot) throws IOException {
        byte[] page = render(exchange.getRequestPath(), items(dir), atMountRoot).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
        exchange.setResponseContentLength(page.length);
        if (Methods.HEAD.equals(exchange.getRequestMethod())) {
            exchange.endExchange();
        } else {
            exchange.getResponseSender().send(ByteBuffer.wrap(page));
        }
    }

    private static List<Item> items(Path dir) throws IOException {
        List<Item> items = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(child, BasicFileAttributes.class);
                } catch (IOException e) {
                    continue; // a dangling link or a file removed meanwhile: nothing to offer
                }
                items.add(new Item(child.getFileName().toString(), attributes.isDirectory(), attributes.size()));
            }
        }
        items.sort(Comparator.comparing(Item::directory).reversed().thenComparing(Item::name));
        return items;
    }

    private static String render(String requestPath, List<Item> items, boolean atMountRoot) {
        String title = "Index of " + escape(requestPath);
        StringBuilder html = new StringBuilder(256 + items.size() * 96)
                .append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(title)
                .append("</title></head>\n<body><h1>").append(title).append("</h1>\n<ul>\n");
        if (!atMountRoot) {
            html.append("<li><a href=\"../\">../</a></li>\n");
        }
        for (Item item : items) {
            String name = item.directory() ? item.name() + "/" : item.name();
            // "./" keeps a name like "a:b" from reading as a URI scheme
            html.append("<li><a href=\"./").append(escape(UriPaths.encode(name))).append("\">")
                    .append(escape(name)).append("</a>");
            if (!item.directory()) {
                html.append(" (").append(item.size()).append(" bytes)");
            }
            html.append("</li>\n");
        }
        return html.append("</ul>\n</body></html>\n").toString();
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
