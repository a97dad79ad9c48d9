package dev.container.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads who may log in: the {@code users} file, and the {@code logins} section (lockout after failed logins). */
final class LoginsSection {
    /** The keys of the logins section, for unknown-key checking ({@link ConfigFile#KEYS}). */
    static final Map<String, List<String>> KEYS = Map.of("logins", List.of("lockout-failures", "lockout-time"));

    private LoginsSection() {
    }

    /** The users file, read and checked now: its bad lines are reported beside the file's own problems. */
    static Optional<Users> users(Section top) {
        Optional<Path> file = top.path("users");
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Users.read(file.get()));
        } catch (ConfigError e) {
            e.problems().forEach(p -> top.problemAt("users", p));
            return Optional.empty();
        }
    }

    /** The logins section: how many failed logins lock a user out, and for how long. */
    static LoginsSpec logins(Section top) {
        return top.section("logins", "logins").map(LoginsSection::lockout).orElse(LoginsSpec.DEFAULT);
    }

    private static LoginsSpec lockout(Section s) {
        LoginsSpec d = LoginsSpec.DEFAULT;
        int failures = s.integer("lockout-failures", 0, 1_000_000).orElse(d.lockoutFailures());
        Duration time = s.duration("lockout-time").orElse(d.lockoutTime());
        s.finish();
        if (failures > 0 && time.isZero()) {
            s.problemAt("lockout-time", "expected a duration above zero, such as 5m (lockout-failures = 0 turns the"
                    + " lockout off)");
            return d;
        }
        return new LoginsSpec(failures, time);
    }
}
