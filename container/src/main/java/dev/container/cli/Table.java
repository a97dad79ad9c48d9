package dev.container.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table for people, as the commands print them: a header in capitals (none when every header
 * cell is empty: a list of "label: value" lines), columns as wide as their widest cell, two spaces
 * between, the last column unpadded. Also how the commands show the API's
 * values (instants to the second, durations, missing values as "-"). Not thread-safe.
 */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    Table(String... header) {
        this.columns = header.length;
        rows.add(header);
    }

    Table row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("a row of " + columns + " cells, got " + cells.length);
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "-" : c.toString()).toArray(String[]::new));
        return this;
    }

    boolean isEmpty() {
        return rows.size() == 1;
    }

    void print(PrintWriter out) {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        boolean header = Arrays.stream(rows.get(0)).anyMatch(cell -> !cell.isEmpty());
        for (String[] row : header ? rows : rows.subList(1, rows.size())) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(i == columns - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** An ISO-8601 instant of the API to the second, as people read it: 2026-12-02T00:47:34Z; "-" for null. */
    static String time(JsonNode instant) {
        if (!instant.isTextual()) {
            return "-";
        }
        try {
            return Instant.parse(instant.asText()).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException e) {
            return instant.asText();
        }
    }

    /** A span as people say it: 45 s, 12 min, 3 h 5 min, 4 days 2 h. */
    static String span(Duration d) {
        long s = Math.max(d.toSeconds(), 0);
        if (s < 120) {
            return s + " s";
        }
        if (s < 7_200) {
            return s / 60 + " min";
        }
        if (s < 172_800) {
            return s / 3_600 + " h " + s % 3_600 / 60 + " min";
        }
        return s / 86_400 + " days " + s % 86_400 / 3_600 + " h";
    }

    /** Milliseconds of the API ("meanMillis") as people read them: 0.42 ms, 12 ms, 1.5 s. */
    static String millis(JsonNode value) {
        if (!value.isNumber()) {
            return "-";
        }
        double ms = value.asDouble();
        if (ms >= 1000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000);
        }
        return ms >= 10 ? Math.round(ms) + " ms" : String.format(java.util.Locale.ROOT, "%.2f ms", ms);
    }

    /** A JSON list of strings as one cell: "a, b"; "-" when empty. */
    static String list(JsonNode values) {
        List<String> all = new ArrayList<>();
        values.forEach(v -> all.add(v.asText()));
        return all.isEmpty() ? "-" : String.join(", ", all);
    }
}
