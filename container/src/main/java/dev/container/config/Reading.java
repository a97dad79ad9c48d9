package dev.container.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One reading of one config file: the problems found so far, and the checks of single values that
 * report into them. {@link ConfigFile} makes one per file and hands it to each section reader;
 * {@link Section}s report through it. Relative paths resolve against the file's directory. Not
 * thread-safe.
 */
final class Reading {
    private record Problem(Origin origin, String text) {
    }

    private final String fileName;
    private final Path baseDir;
    /** The tree before ${NAME}s were resolved: where values substituted from the environment were written. */
    private final ConfigObject unresolved;
    private final List<Problem> problems = new ArrayList<>();

    Reading(String fileName, Path baseDir, ConfigObject unresolved) {
        this.fileName = fileName;
        this.baseDir = baseDir;
        this.unresolved = unresolved;
    }

    /** The directory relative paths in the file are relative to. */
    Path baseDir() {
        return baseDir;
    }

    /** An object of the file to read as a section of the given schema (see {@link ConfigFile#KEYS}). */
    Section section(ConfigObject object, At at, String schema) {
        return new Section(this, object, at, schema);
    }

    void problem(At at, ConfigValue value, String text) {
        problems.add(new Problem(origin(at, value), (at.key().isEmpty() ? "" : at.key() + ": ") + text));
    }

    /** How many problems were found so far (to tell whether a part read clean). */
    int problemCount() {
        return problems.size();
    }

    /** Throws every problem found, once each, sorted by file and line; does nothing when there are none. */
    void throwProblems() {
        if (!problems.isEmpty()) {
            throw new ConfigError(problems.stream()
                    .distinct()
                    .sorted(Comparator.comparing((Problem p) -> p.origin().file()).thenComparingInt(p -> p.origin().line()))
                    .map(p -> p.origin() + ": " + p.text())
                    .toList());
        }
    }

    /**
     * A list element: its object's section (null for the short form), its main value (null when
     * missing) and where that is, and the main value as a path (null when missing or not a path).
     */
    record Entry(Section section, ConfigValue main, At mainAt, Path path) {
    }

    /**
     * A list element written as its main value alone ({@code shop.war}) or as an object of the
     * schema that holds it at key ({@code { war = shop.war, path = /shop }}); the main value is a
     * path relative to the file. The main value is
     * null, having said missing, when the object lacks the key. Null, having said so, when the
     * element is neither a string nor an object.
     */
    Entry entry(ConfigValue value, At at, String schema, String key, String expected, String missing) {
        if (value.valueType() == ConfigValueType.STRING) {
            return new Entry(null, value, at, path(value, at));
        }
        if (!isType(value, at, ConfigValueType.OBJECT, expected)) {
            return null;
        }
        Section section = section((ConfigObject) value, at, schema);
        ConfigValue main = section.has(key);
        if (main == null) {
            problem(at, value, missing);
        }
        At mainAt = at.child(key);
        return new Entry(section, main, mainAt, main == null ? null : path(main, mainAt));
    }

    /**
     * The entry name of an object of named parts (hosts, jobs) as a section of the schema; null,
     * having said so, when the name does not match names or the entry is not an object.
     */
    Section part(ConfigObject parts, At at, String name, Pattern names, String badName, String expected,
                 String schema) {
        At partAt = at.child(name);
        ConfigValue value = parts.get(name);
        if (!names.matcher(name).matches()) {
            problem(partAt, value, badName);
            return null;
        }
        if (!isType(value, partAt, ConfigValueType.OBJECT, expected)) {
            return null;
        }
        return section((ConfigObject) value, partAt, schema);
    }

    /** The keys of an object in the order the file has them (Typesafe's objects have none). */
    static List<String> inFileOrder(ConfigObject object) {
        List<String> keys = new ArrayList<>(object.keySet());
        keys.sort(Comparator.comparingInt(key -> line(object.get(key))));
        return keys;
    }

    /** A path relative to the file's directory; null after a problem. */
    Path path(ConfigValue v, At at) {
        if (!isType(v, at, ConfigValueType.STRING, "a path (a string)")) {
            return null;
        }
        String text = (String) v.unwrapped();
        if (text.isBlank()) {
            problem(at, v, "expected a path, got an empty string");
            return null;
        }
        return baseDir.resolve(text).normalize();
    }

    boolean isType(ConfigValue v, At at, ConfigValueType type, String expected) {
        if (v.valueType() != type) {
            problem(at, v, "expected " + expected + ", got " + describe(v));
            return false;
        }
        return true;
    }

    boolean scalar(ConfigValue v, At at, String expected) {
        ConfigValueType t = v.valueType();
        if (t == ConfigValueType.OBJECT || t == ConfigValueType.LIST || t == ConfigValueType.NULL) {
            problem(at, v, "expected " + expected + ", got " + describe(v));
            return false;
        }
        return true;
    }

    /** False, having said so, when v is a ${NAME} that neither the file nor the environment sets. */
    boolean resolved(ConfigValue v, At at) {
        try {
            v.valueType();
            return true;
        } catch (ConfigException.NotResolved e) {
            problem(at, v, v.render() + " is not set: no such key in the file and no such environment variable"
                    + " (write ${?NAME} to make it optional)");
            return false;
        }
    }

    static String describe(ConfigValue v) {
        return switch (v.valueType()) {
            case OBJECT -> "an object";
            case LIST -> "a list";
            case NULL -> "null";
            case BOOLEAN -> "the boolean " + v.render();
            case NUMBER -> "the number " + v.render();
            case STRING -> "'" + v.unwrapped() + "'";
        };
    }

    static String suggestion(String word, Collection<String> candidates) {
        return Suggestions.closest(word, candidates).map(s -> "; did you mean '" + s + "'?").orElse("");
    }

    static int line(ConfigValue v) {
        return v.origin().lineNumber();
    }

    /**
     * The file and line of a value. Values substituted from the environment have no line of
     * their own; they get the line where the substitution was written.
     */
    Origin origin(At at, ConfigValue value) {
        if (value != null && value.origin().lineNumber() > 0) {
            return origin(value.origin(), fileName);
        }
        Origin best = new Origin(fileName, 0);
        Object node = unresolved;
        for (Object segment : at.segments()) {
            if (node instanceof ConfigObject o && segment instanceof String key) {
                node = o.get(key);
            } else if (node instanceof ConfigList l && segment instanceof Integer i && i < l.size()) {
                node = l.get(i);
            } else {
                break;
            }
            if (node instanceof ConfigValue v && v.origin().lineNumber() > 0) {
                best = origin(v.origin(), fileName);
            }
        }
        return best;
    }

    /** Where Typesafe says something is, in the given file when it names none. */
    static Origin origin(ConfigOrigin origin, String fileName) {
        String file = origin.filename() != null ? origin.filename() : fileName;
        return new Origin(file, Math.max(origin.lineNumber(), 0));
    }
}
