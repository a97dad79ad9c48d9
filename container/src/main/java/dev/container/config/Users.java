package dev.container.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The users and roles that apps' security constraints and login-config (BASIC, FORM) check
 * against, read from a file of lines {@code name = password, role1, role2}: {@code #} starts a
 * comment line, blank lines are skipped. A password is plain text (no commas) or
 * {@code {SHA-256}SALT$HEX}, HEX being the hex of SHA-256 over the UTF-8 bytes of SALT followed by
 * the password. Immutable; {@link #read} reports every bad line as {@code FILE:LINE: problem}.
 */
public record Users(Path file, Map<String, User> byName) {
    private static final String SHA_256 = "{SHA-256}";
    private static final Pattern HEX_64 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern NAME = Pattern.compile("[^\\s,=#]+");

    public Users {
        byName = Map.copyOf(byName);
    }

    public Optional<User> user(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** One user: a name, how to check the password, and the roles (possibly none). */
    public record User(String name, Password password, Set<String> roles) {
        public User {
            roles = Set.copyOf(roles);
        }
    }

    /** A stored password: {@link Plain} or {@link SaltedSha256}. toString never shows it. */
    public sealed interface Password {
    }

    public record Plain(String text) implements Password {
        @Override
        public String toString() {
            return "Plain[***]";
        }
    }

    /** {@code hex} is lower-case, 64 digits: SHA-256 of UTF-8 (salt + password). */
    public record SaltedSha256(String salt, String hex) implements Password {
        @Override
        public String toString() {
            return "SaltedSha256[***]";
        }
    }

    /** Reads and checks the file; a {@link ConfigError} lists every problem, one per bad line. */
    public static Users read(Path file) {
        List<String> lines;
        try {
            lines = List.of(Files.readString(file, StandardCharsets.UTF_8).split("\r?\n", -1));
        } catch (NoSuchFileException e) {
            throw new ConfigError(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new ConfigError(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigError(file + ": cannot read: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        Map<String, User> users = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            int number = i + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + number + ": ";
            int equals = line.indexOf('=');
            if (equals < 0) {
                // The line may be a password; never echo it.
                problems.add(where + "expected 'name = password, role1, role2'");
                continue;
            }
            String name = line.substring(0, equals).strip();
            if (!NAME.matcher(name).matches()) {
                problems.add(where + (name.isEmpty() ? "missing user name before '='"
                        : "user name must not contain spaces, ',', '=' or '#'"));
                continue;
            }
            String[] fields = line.substring(equals + 1).split(",", -1);
            String password = fields[0].strip();
            if (password.isEmpty()) {
                problems.add(where + "user '" + name + "' has an empty password");
                continue;
            }
            Password stored = password(password, name, where, problems);
            if (stored == null) {
                continue;
            }
            Set<String> roles = new LinkedHashSet<>();
            boolean badRole = false;
            for (int f = 1; f < fields.length; f++) {
                String role = fields[f].strip();
                if (role.isEmpty() || !NAME.matcher(role).matches()) {
                    problems.add(where + "user '" + name + "': role " + f + " is "
                            + (role.isEmpty() ? "empty" : "not a single word: '" + role + "'"));
                    badRole = true;
                    break;
                }
                roles.add(role);
            }
            if (badRole) {
                continue;
            }
            if (lineOf.containsKey(name)) {
                problems.add(where + "user '" + name + "' is already defined on line " + lineOf.get(name));
                continue;
            }
            lineOf.put(name, number);
            users.put(name, new User(name, stored, roles));
        }
        if (!problems.isEmpty()) {
            throw new ConfigError(problems);
        }
        return new Users(file, users);
    }

    private static Password password(String text, String name, String where, List<String> problems) {
        if (text.startsWith(SHA_256)) {
            String rest = text.substring(SHA_256.length());
            int dollar = rest.lastIndexOf('$');
            String hex = dollar < 0 ? "" : rest.substring(dollar + 1);
            if (dollar < 0 || !HEX_64.matcher(hex).matches()) {
                problems.add(where + "user '" + name + "': a {SHA-256} password is SALT$HEX with 64 hex digits");
                return null;
            }
            return new SaltedSha256(rest.substring(0, dollar), hex.toLowerCase(java.util.Locale.ROOT));
        }
        if (text.startsWith("{") && text.indexOf('}') > 1 && text.substring(1, text.indexOf('}')).matches("[A-Za-z0-9-]+")) {
            problems.add(where + "user '" + name + "': unknown password scheme " + text.substring(0, text.indexOf('}') + 1)
                    + " (plain text or {SHA-256}SALT$HEX)");
            return null;
        }
        return new Plain(text);
    }
}
