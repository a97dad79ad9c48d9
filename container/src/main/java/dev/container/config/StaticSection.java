package dev.container.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads {@code static}: directories served as files, each under a prefix on its hosts. */
final class StaticSection {
    /** The keys of a static mount object, for unknown-key checking ({@link ConfigFile#KEYS}). */
    static final Map<String, List<String>> KEYS = Map.of("static[]", List.of("dir", "prefix", "hosts", "listing",
            "max-age", "compression", "create"));

    private StaticSection() {
    }

    static List<StaticSpec> read(Section top, HostsSection hosts, PathClaims claims) {
        Reading reading = top.reading;
        List<StaticSpec> statics = new ArrayList<>();
        top.list("static", "a list of static mounts such as [site, { dir = docs, prefix = /docs }]", (value, at) -> {
            Reading.Entry dir = reading.entry(value, at, "static[]", "dir",
                    "a directory or { dir = ..., prefix = ... }", "a static mount needs dir = PATH");
            if (dir == null) {
                return;
            }
            Section mount = dir.section();
            Path root = dir.path();
            String prefix = mount == null || mount.has("prefix") == null ? "/" : mount.contextPath("prefix");
            List<String> hostIds = mount == null ? List.of() : hosts.ids(mount);
            boolean listing = mount != null && mount.bool("listing").orElse(false);
            boolean compression = mount == null || mount.bool("compression").orElse(true);
            boolean create = mount != null && mount.bool("create").orElse(false);
            Optional<Duration> maxAge = mount == null ? Optional.empty() : mount.duration("max-age");
            if (mount != null) {
                mount.finish();
            }
            if (root == null || prefix == null) {
                return;
            }
            if (!Files.exists(root) && create) {
                // made at start (what a job writes into, under the state directory, say)
                if (claims.claim(hostIds, prefix, at, value, "static mount")) {
                    statics.add(new StaticSpec(root, prefix, listing, hostIds, maxAge, compression));
                }
            } else if (!Files.exists(root)) {
                reading.problem(dir.mainAt(), dir.main(), "no such directory: " + root + (mount == null ? "" : " (create = true makes it at start)"));
            } else if (!Files.isDirectory(root)) {
                reading.problem(dir.mainAt(), dir.main(), "not a directory: " + root);
            } else if (claims.claim(hostIds, prefix, at, value, "static mount")) {
                statics.add(new StaticSpec(root, prefix, listing, hostIds, maxAge, compression));
            }
        });
        return statics;
    }
}
