package dev.container.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which of Mozilla's server-side TLS configurations the HTTPS listeners follow ({@code --tls-profile},
 * config key {@code tls-profile}): {@link #INTERMEDIATE} (the default) speaks TLS 1.2 and 1.3 with
 * Mozilla's "intermediate" cipher suites, for every client of the last ten years or so; {@link #MODERN}
 * speaks TLS 1.3 only, for services whose clients are all recent (Firefox 63, Chrome 70, Safari 12.1,
 * Android 10, Java 11, OpenSSL 1.1.1 and later).
 */
public enum TlsProfile {
    INTERMEDIATE, MODERN;

    /** The names as users write them, in declaration order: intermediate, modern. */
    public static final List<String> NAMES = Arrays.stream(values()).map(TlsProfile::configName).toList();

    /** The name users write: "intermediate" or "modern". */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The profile named so (any case), if it is one. */
    public static Optional<TlsProfile> named(String name) {
        return Arrays.stream(values()).filter(p -> p.configName().equals(name.toLowerCase(Locale.ROOT))).findFirst();
    }
}
