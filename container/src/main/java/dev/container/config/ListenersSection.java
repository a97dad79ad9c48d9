package dev.container.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code listeners}: "[host]:port" strings or {@code { host, port, tls, h2c }} objects, each
 * address once; without the key, {@link PlanBuilder#DEFAULT_PORT} on every address.
 */
final class ListenersSection {
    /** The keys of a listener object, for unknown-key checking ({@link ConfigFile#KEYS}). */
    static final Map<String, List<String>> KEYS = Map.of("listeners[]", List.of("host", "port", "tls", "h2c"));

    private ListenersSection() {
    }

    static List<ListenerSpec> read(Section top) {
        Reading reading = top.reading;
        List<ListenerSpec> result = new ArrayList<>();
        top.list("listeners", "a list of listeners such as [\":8080\", \"127.0.0.1:9000\"]", (value, at) -> {
            ListenerSpec spec;
            if (value.valueType() == ConfigValueType.STRING) {
                spec = PlanBuilder.parseListen((String) value.unwrapped(),
                        p -> reading.problem(at, value, "expected [host]:port: " + p));
            } else if (value.valueType() == ConfigValueType.OBJECT) {
                Section listener = reading.section((ConfigObject) value, at, "listeners[]");
                String host = listener.string("host").orElse("");
                Optional<Integer> port = listener.integer("port", 0, 65_535);
                if (port.isEmpty() && listener.has("port") == null) {
                    reading.problem(at, value, "a listener needs a port");
                }
                boolean tls = listener.bool("tls").orElse(false);
                boolean h2c = listener.bool("h2c").orElse(false);
                if (tls && h2c) {
                    reading.problem(at.child("h2c"), ((ConfigObject) value).get("h2c"),
                            "h2c is for plain listeners: a tls = true listener speaks h2 by ALPN");
                    h2c = false;
                }
                listener.finish();
                spec = port.isEmpty() ? null : PlanBuilder.listener(
                        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host,
                        port.get(), p -> reading.problem(at, value, p));
                if (spec != null && tls) {
                    spec = spec.withTls();
                } else if (spec != null && h2c) {
                    spec = spec.withH2c();
                }
            } else {
                reading.problem(at, value, "expected \"[host]:port\" or { host = ..., port = ... }, got " + Reading.describe(value));
                return;
            }
            if (spec != null) {
                ListenerSpec s = spec;
                if (spec.port() != 0 && result.stream().anyMatch(l -> l.host().equals(s.host()) && l.port() == s.port())) {
                    reading.problem(at, value, "listener " + spec.authority(spec.port()) + " given twice");
                } else {
                    result.add(spec);
                }
            }
        }).ifPresent(list -> {
            if (list.isEmpty()) {
                reading.problem(top.at.child("listeners"), list, "expected at least one listener");
            }
        });
        if (top.object.get("listeners") == null) {
            result.add(new ListenerSpec(PlanBuilder.ANY_HOST, PlanBuilder.DEFAULT_PORT));
        }
        return result;
    }
}
