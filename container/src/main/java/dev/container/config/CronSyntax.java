package dev.container.config;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.quartz.CronExpression;

/**
 * Cron expressions as users write them, turned into Quartz's form. Two forms are accepted:
 * <ul>
 *   <li>the classic 5-field Unix form {@code minute hour day-of-month month day-of-week}, and the
 *       {@code @hourly}-style shortcuts. Quartz has a seconds field first, counts days of the week
 *       1 (Sunday) to 7 where Unix counts 0 (Sunday) to 6 with 7 also Sunday, and wants {@code ?}
 *       in one of the two day fields. So the day of week is expanded into Quartz's day names (no
 *       arithmetic on ranges that could wrap), and the unrestricted day field becomes {@code ?}.
 *       Unix runs a line that restricts both day fields when either matches; Quartz cannot say
 *       that, so such a line is refused rather than run on other days than the user meant;</li>
 *   <li>Quartz's own 6- or 7-field form (seconds first, optional year), passed through.</li>
 * </ul>
 * Stateless.
 */
public final class CronSyntax {
    private static final Map<String, String> SHORTCUTS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
    private static final String[] DAY_NAMES = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    private CronSyntax() {
    }

    /** The Quartz expression for written, or a {@link ConfigError} with one line saying what is wrong. */
    public static String toQuartz(String written) {
        String text = written.trim();
        String shortcut = SHORTCUTS.get(text.toLowerCase(Locale.ROOT));
        if (shortcut != null) {
            text = shortcut;
        } else if (text.startsWith("@")) {
            throw new ConfigError("unknown shortcut '" + text + "' (known: " + String.join(", ", new TreeSet<>(SHORTCUTS.keySet())) + ")");
        }
        String[] fields = text.split("\\s+");
        String quartz = switch (fields.length) {
            case 5 -> fromUnix(fields);
            case 6, 7 -> text;
            default -> throw new ConfigError("expected 5 fields (minute hour day-of-month month day-of-week) or Quartz's "
                    + "6 or 7 (second first), got " + fields.length);
        };
        try {
            CronExpression expression = new CronExpression(quartz);
            if (expression.getNextValidTimeAfter(new java.util.Date()) == null) {
                throw new ConfigError("'" + written + "' never fires");
            }
        } catch (ParseException e) {
            String translated = quartz.equals(text) ? "" : " (as Quartz: '" + quartz + "')";
            throw new ConfigError("not a valid cron expression" + translated + ": " + e.getMessage());
        }
        return quartz;
    }

    private static String fromUnix(String[] f) {
        String minute = f[0];
        String hour = f[1];
        String dayOfMonth = f[2];
        String month = f[3];
        String dayOfWeek = f[4];
        for (String field : f) {
            if (field.contains("?") || field.contains("L") || field.contains("W") || field.contains("#")) {
                throw new ConfigError("'" + field + "' is Quartz syntax: write the Quartz form with seconds first "
                        + "(6 or 7 fields), or plain 5-field Unix cron");
            }
        }
        boolean anyDom = dayOfMonth.equals("*");
        boolean anyDow = dayOfWeek.equals("*");
        if (!anyDom && !anyDow) {
            throw new ConfigError("both day-of-month ('" + dayOfMonth + "') and day-of-week ('" + dayOfWeek + "') are "
                    + "restricted: Unix cron runs when either matches, which Quartz cannot express; use two jobs");
        }
        String dom = anyDow ? dayOfMonth : "?";
        String dow = anyDow ? "?" : dayNames(dayOfWeek);
        return "0 " + minute + " " + hour + " " + dom + " " + month + " " + dow;
    }

    /** A Unix day-of-week field (0-7, names, ranges, steps, lists) as a list of Quartz day names. */
    private static String dayNames(String field) {
        TreeSet<Integer> days = new TreeSet<>();
        for (String item : field.split(",", -1)) {
            String range = item;
            int step = 1;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                range = item.substring(0, slash);
                step = number(item.substring(slash + 1), field);
                if (step < 1) {
                    throw new ConfigError("day-of-week '" + field + "': a step must be 1 or more");
                }
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = 0;
                to = 6;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", 2);
                from = day(ends[0], field);
                to = day(ends[1], field);
                if (to < from) {
                    throw new ConfigError("day-of-week '" + field + "': range " + range + " runs backwards");
                }
            } else {
                from = day(range, field);
                to = slash >= 0 ? 6 : from;
            }
            for (int d = from; d <= to; d += step) {
                days.add(d % 7);
            }
        }
        List<String> names = new ArrayList<>();
        days.forEach(d -> names.add(DAY_NAMES[d]));
        return String.join(",", names);
    }

    /** 0-7 (0 and 7 Sunday) or a three-letter English name. */
    private static int day(String text, String field) {
        for (int i = 0; i < DAY_NAMES.length; i++) {
            if (DAY_NAMES[i].equalsIgnoreCase(text)) {
                return i;
            }
        }
        int n = number(text, field);
        if (n > 7) {
            throw new ConfigError("day-of-week '" + field + "': " + n + " is not a day (0-7, 0 and 7 are Sunday)");
        }
        return n;
    }

    private static int number(String text, String field) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ConfigError("day-of-week '" + field + "': '" + text + "' is not a day (0-7 or sun..sat)");
        }
    }
}
