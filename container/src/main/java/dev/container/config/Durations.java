package dev.container.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Optional;

/** Durations as people write them ("4s", "500ms", "5m", "1d"), for flags and for logs. Stateless. */
public final class Durations {
    private Durations() {
    }

    /**
     * The duration text means, read as the config file reads it (HOCON's units); empty when it is
     * not a duration with a unit (a bare number would silently be milliseconds) or is negative.
     */
    public static Optional<Duration> parse(String text) {
        String t = text.trim();
        if (t.isEmpty() || !Character.isDigit(t.charAt(0)) || t.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
            return Optional.empty();
        }
        try {
            return Optional.of(ConfigFactory.parseString("v = \"" + t.replace("\"", "") + "\"").getDuration("v"));
        } catch (ConfigException e) {
            return Optional.empty();
        }
    }

    /** The shortest exact form: 4s, 1500ms, 5m, 2h, 1d. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (ms % units[i] == 0) {
                return ms / units[i] + names[i];
            }
        }
        return ms + "ms";
    }
}
