package dev.container.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A systemd unit file read as systemd reads the simple cases: [Section] headers, KEY=VALUE lines,
 * '#' and ';' comments, a key given twice keeps both values. No line continuations or quoting.
 */
public record SystemdUnit(Path file, Map<String, List<String>> entries) {
    public static SystemdUnit read(Path file) throws IOException {
        Map<String, List<String>> entries = new LinkedHashMap<>();
        String section = "";
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1);
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(file + ": not KEY=VALUE: " + line);
            }
            entries.computeIfAbsent(section + "." + line.substring(0, eq).strip(), k -> new ArrayList<>())
                    .add(line.substring(eq + 1).strip());
        }
        return new SystemdUnit(file, entries);
    }

    /** The one value of section.key ("Service.ExecStart"); an AssertionError when it is missing or given twice. */
    public String value(String key) {
        List<String> values = entries.get(key);
        if (values == null || values.size() != 1) {
            throw new AssertionError(file + ": expected one " + key + ", got " + values);
        }
        return values.get(0);
    }

    /** A command line of the unit (ExecStart, ExecReload) as words, with $NAME replaced from vars (a missing one: no word). */
    public List<String> command(String key, Map<String, String> vars) {
        List<String> words = new ArrayList<>();
        for (String word : value(key).split("\\s+")) {
            if (word.startsWith("$")) {
                String v = vars.get(word.substring(1));
                if (v != null && !v.isEmpty()) {
                    words.addAll(List.of(v.split("\\s+")));
                }
            } else {
                words.add(word);
            }
        }
        return words;
    }

    /** A systemd time span in seconds: "40s", "1min 30s", "90". */
    public static long seconds(String span) {
        long total = 0;
        for (String part : span.split("\\s+")) {
            if (part.endsWith("min")) {
                total += 60 * Long.parseLong(part.substring(0, part.length() - 3));
            } else if (part.endsWith("s")) {
                total += Long.parseLong(part.substring(0, part.length() - 1));
            } else {
                total += Long.parseLong(part);
            }
        }
        return total;
    }
}
