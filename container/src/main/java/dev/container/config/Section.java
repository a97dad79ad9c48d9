package dev.container.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One object of the file, read as the given schema of {@link ConfigFile#KEYS}: hands out its
 * values by key ({@link #string}, {@link #duration}, {@link #size}, {@link #integer}, ...), each
 * checked and reported into the {@link Reading} with its file and line, and remembers which were
 * read; {@link #finish} reports the others as unknown keys. A section reader asks for each of its
 * keys, then calls finish. Not thread-safe.
 */
final class Section {
    final Reading reading;
    final ConfigObject object;
    final At at;
    final String schema;
    final Set<String> read = new HashSet<>();

    Section(Reading reading, ConfigObject object, At at, String schema) {
        this.reading = reading;
        this.object = object;
        this.at = at;
        this.schema = schema;
    }

    /** The value at key, marked as read, or null when absent. */
    ConfigValue has(String key) {
        read.add(key);
        ConfigValue value = object.get(key);
        if (value != null && !reading.resolved(value, at.child(key))) {
            return null;
        }
        return value;
    }

    /** Reports every key that no reader asked for, with the closest known key or else the known ones. */
    void finish() {
        List<String> known = ConfigFile.KEYS.get(schema);
        List<String> unknown = new ArrayList<>(object.keySet());
        unknown.removeAll(read);
        for (String key : unknown) {
            String hint = Reading.suggestion(key, known);
            if (hint.isEmpty()) {
                hint = " (" + (at.key().isEmpty() ? "the top level" : at.key()) + " may have "
                        + String.join(", ", known) + ")";
            }
            reading.problem(at.child(key), object.get(key), "unknown key" + hint);
        }
    }

    Optional<String> string(String key) {
        ConfigValue v = has(key);
        if (v == null || !reading.scalar(v, at.child(key), "a string")) {
            return Optional.empty();
        }
        return Optional.of(String.valueOf(v.unwrapped()));
    }

    Optional<String> choice(String key, List<String> choices) {
        ConfigValue v = has(key);
        if (v == null || !reading.scalar(v, at.child(key), "one of " + String.join(", ", choices))) {
            return Optional.empty();
        }
        String s = String.valueOf(v.unwrapped()).toLowerCase(Locale.ROOT);
        if (!choices.contains(s)) {
            reading.problem(at.child(key), v, "expected one of " + String.join(", ", choices) + ", got '" + v.unwrapped() + "'"
                    + Reading.suggestion(s, choices));
            return Optional.empty();
        }
        return Optional.of(s);
    }

    Optional<Boolean> bool(String key) {
        return typed(key, "true or false", c -> c.getBoolean("v"));
    }

    Optional<Integer> integer(String key, int min, int max) {
        Optional<Integer> n = typed(key, "a whole number", c -> c.getInt("v"));
        if (n.isPresent() && (n.get() < min || n.get() > max)) {
            problemAt(key, "expected a whole number " + (max == Integer.MAX_VALUE ? "of at least " + min
                    : "from " + min + " to " + max) + ", got " + n.get());
            return Optional.empty();
        }
        return n;
    }

    /** A duration people write: 30s, 500ms, 5m, 2h, 365d. A bare number is refused: it would be milliseconds. */
    Optional<Duration> duration(String key) {
        ConfigValue v = has(key);
        if (v == null) {
            return Optional.empty();
        }
        String expected = "a duration with a unit, such as 30s, 500ms, 5m or 1d";
        if (v.valueType() == ConfigValueType.NUMBER) {
            reading.problem(at.child(key), v, "expected " + expected + ", got the bare number " + v.render()
                    + " (write " + v.render() + "s for seconds)");
            return Optional.empty();
        }
        Optional<Duration> d = typed(key, expected, c -> c.getDuration("v"));
        if (d.isPresent() && d.get().isNegative()) {
            problemAt(key, "expected a duration of zero or more, got " + Reading.describe(v));
            return Optional.empty();
        }
        return d;
    }

    /** A size people write: 512KiB, 10MiB, 1GB; a bare number is bytes. */
    Optional<Long> size(String key, long max) {
        return size(key, 1, max);
    }

    /** A size of at least min bytes (0 or 1). */
    Optional<Long> size(String key, long min, long max) {
        Optional<Long> bytes = typed(key, "a size such as 8KiB, 10MiB or 1GB",
                c -> c.getMemorySize("v").toBytes());
        if (bytes.isPresent() && (bytes.get() < min || bytes.get() > max)) {
            problemAt(key, "expected a size " + (min > 0 ? "above 0" : "of 0 or more")
                    + (max < Long.MAX_VALUE ? " and at most " + max + " bytes" : "")
                    + ", got " + Reading.describe(object.get(key)));
            return Optional.empty();
        }
        return bytes;
    }

    Optional<Path> path(String key) {
        ConfigValue v = has(key);
        return v == null ? Optional.empty() : Optional.ofNullable(reading.path(v, at.child(key)));
    }

    /** A context path or prefix: "/" or "/a/b". Null after a problem. */
    String contextPath(String key) {
        Optional<String> s = string(key);
        if (s.isEmpty()) {
            return null;
        }
        String problem = ContextPaths.problem(s.get());
        if (problem != null) {
            problemAt(key, "expected a path such as / or /shop, but '" + s.get() + "' " + problem);
            return null;
        }
        return s.get();
    }

    /** Calls each for each element of the list at key; the list, when present and a list. */
    Optional<ConfigList> list(String key, String expected, ElementReader each) {
        ConfigValue v = has(key);
        At listAt = at.child(key);
        if (v == null || !reading.isType(v, listAt, ConfigValueType.LIST, expected)) {
            return Optional.empty();
        }
        ConfigList list = (ConfigList) v;
        for (int i = 0; i < list.size(); i++) {
            At elementAt = listAt.index(i);
            ConfigValue element = list.get(i);
            if (reading.resolved(element, elementAt)) {
                each.read(element, elementAt);
            }
        }
        return Optional.of(list);
    }

    /** Calls each for each entry of a free-form object at key (header names, parameters). */
    void object(String key, String expected, EntryReader each) {
        ConfigValue v = has(key);
        At objectAt = at.child(key);
        if (v == null || !reading.isType(v, objectAt, ConfigValueType.OBJECT, expected)) {
            return;
        }
        ConfigObject o = (ConfigObject) v;
        for (String name : Reading.inFileOrder(o)) {
            At entryAt = objectAt.child(name);
            if (reading.resolved(o.get(name), entryAt)) {
                each.read(name, o.get(name), entryAt);
            }
        }
    }

    /** The object at key as a section of the given schema, when present and an object. */
    Optional<Section> section(String key, String childSchema) {
        ConfigValue v = has(key);
        At childAt = at.child(key);
        if (v == null || !reading.isType(v, childAt, ConfigValueType.OBJECT, "an object { ... }")) {
            return Optional.empty();
        }
        return Optional.of(new Section(reading, (ConfigObject) v, childAt, childSchema));
    }

    void problemAt(String key, String text) {
        reading.problem(at.child(key), object.get(key), text);
    }

    private <T> Optional<T> typed(String key, String expected, Function<Config, T> read) {
        ConfigValue v = has(key);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(read.apply(v.atKey("v")));
        } catch (ConfigException e) {
            reading.problem(at.child(key), v, "expected " + expected + ", got " + Reading.describe(v));
            return Optional.empty();
        }
    }

    @FunctionalInterface
    interface ElementReader {
        void read(ConfigValue value, At at);
    }

    @FunctionalInterface
    interface EntryReader {
        void read(String name, ConfigValue value, At at);
    }
}
