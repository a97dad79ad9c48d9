package dev.container.config;

import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import java.util.Map;

/** Reads {@code limits}, what one request or connection may take; the defaults are {@link PlanBuilder#DEFAULT_LIMITS}. */
final class LimitsSection {
    /** The keys of the limits section, for unknown-key checking ({@link ConfigFile#KEYS}). */
    static final Map<String, List<String>> KEYS = Map.of("limits", List.of("max-request-body", "max-header-size",
            "max-request-line", "max-headers", "idle-timeout", "request-timeout", "body-timeout", "body-min-rate",
            "max-connections", "http2-max-concurrent-streams", "write-timeout"));

    private LimitsSection() {
    }

    static Limits read(Section top) {
        return top.section("limits", "limits").map(LimitsSection::limits).orElse(PlanBuilder.DEFAULT_LIMITS);
    }

    private static Limits limits(Section s) {
        Limits d = PlanBuilder.DEFAULT_LIMITS;
        long maxBody = d.maxRequestBody();
        ConfigValue body = s.has("max-request-body");
        if (body != null && body.valueType() == ConfigValueType.STRING && "unlimited".equals(body.unwrapped())) {
            s.read.add("max-request-body");
        } else {
            maxBody = s.size("max-request-body", Long.MAX_VALUE).orElse(d.maxRequestBody());
        }
        long headerSize = s.size("max-header-size", Integer.MAX_VALUE).orElse(d.maxHeaderSize());
        long requestLine = s.size("max-request-line", Integer.MAX_VALUE).orElse(Math.min(d.maxRequestLine(), headerSize));
        if (requestLine > headerSize) {
            s.problemAt("max-request-line", "must not be more than max-header-size (" + headerSize + " bytes), got "
                    + requestLine);
            requestLine = headerSize;
        }
        Limits limits = new Limits(
                maxBody,
                headerSize,
                s.duration("idle-timeout").orElse(d.idleTimeout()),
                s.duration("request-timeout").orElse(d.requestTimeout()),
                s.integer("max-connections", 1, Integer.MAX_VALUE).orElse(d.maxConnections()),
                s.integer("http2-max-concurrent-streams", 1, Integer.MAX_VALUE).orElse(d.http2MaxConcurrentStreams()),
                requestLine,
                s.integer("max-headers", 1, Integer.MAX_VALUE).orElse(d.maxHeaders()),
                s.duration("body-timeout").orElse(d.bodyTimeout()),
                s.size("body-min-rate", 0, Long.MAX_VALUE).orElse(d.bodyMinRate()),
                s.duration("write-timeout").orElse(d.writeTimeout()));
        s.finish();
        return limits;
    }
}
