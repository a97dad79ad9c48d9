package dev.container.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The users and roles that apps' security constraints and login-config (BASIC, FORM) check
 * against, read from a file of lines {@code name = password, role1, role2}: {@code #} starts a
 * comment line, blank lines are skipped. A password is an argon2id PHC string
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH}, as {@code container hash-password} and the
 * reference {@code argon2} tool print), a bcrypt hash ({@code $2b$10$...}, also {@code $2a$} and
 * {@code $2y$}, as {@code htpasswd -B} prints), the deprecated {@code {SHA-256}SALT$HEX} (HEX the
 * hex of SHA-256 over the UTF-8 bytes of SALT followed by the password), or plain text (no commas).
 * Immutable; {@link #read} reports every bad line as {@code FILE:LINE: problem}, never showing the
 * line (it may hold a password). Two reads of one file are equal whatever the line numbers, as the
 * plan's records are (a reload compares them).
 *
 * @param lines the line of each user, for {@link #warnings()}; not part of equality
 */
public record Users(Path file, Map<String, User> byName, Map<String, Integer> lines) {
    private static final String SHA_256 = "{SHA-256}";
    private static final Pattern HEX_64 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern NAME = Pattern.compile("[^\\s,=#]+");
    /** A {@code $scheme$} prefix: such a password is a hash of a scheme, known or not, never plain text. */
    private static final Pattern SCHEME = Pattern.compile("\\$([0-9A-Za-z-]{1,32})\\$");

    public Users {
        byName = Map.copyOf(byName);
        lines = Map.copyOf(lines);
    }

    /** Users without line numbers (no warnings name a line). */
    public Users(Path file, Map<String, User> byName) {
        this(file, byName, Map.of());
    }

    public Optional<User> user(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * One line for each user whose password is plain text or {@code {SHA-256}}, in file order,
     * as {@code FILE:LINE: ...}: it names the user, never the password, and says how to hash it.
     */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        byName.values().stream()
                .filter(u -> u.password() instanceof Plain || u.password() instanceof SaltedSha256)
                .sorted(Comparator.comparing((User u) -> lines.getOrDefault(u.name(), 0)).thenComparing(User::name))
                .forEach(u -> {
                    String where = file + (lines.containsKey(u.name()) ? ":" + lines.get(u.name()) : "") + ": ";
                    String what = u.password() instanceof Plain
                            ? "has a plain-text password: whoever reads this file can log in as " + u.name()
                            : "has a {SHA-256} password (deprecated: one round of SHA-256 falls to an offline guesser"
                                    + " in minutes)";
                    warnings.add(where + "user '" + u.name() + "' " + what
                            + "; put the output of 'container hash-password' in its place");
                });
        return warnings;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Users other && file.equals(other.file) && byName.equals(other.byName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, byName);
    }

    @Override
    public String toString() {
        return "Users[file=" + file + ", byName=" + byName + "]";
    }

    /** One user: a name, how to check the password, and the roles (possibly none). */
    public record User(String name, Password password, Set<String> roles) {
        public User {
            roles = Set.copyOf(roles);
        }
    }

    /** A stored password. toString never shows it, nor its salt or hash. */
    public sealed interface Password permits Plain, SaltedSha256, Bcrypt, Argon2id {
    }

    public record Plain(String text) implements Password {
        @Override
        public String toString() {
            return "Plain[***]";
        }
    }

    /** {@code hex} is lower-case, 64 digits: SHA-256 of UTF-8 (salt + password). Deprecated: too fast to guess. */
    public record SaltedSha256(String salt, String hex) implements Password {
        @Override
        public String toString() {
            return "SaltedSha256[***]";
        }
    }

    /**
     * A bcrypt hash as OpenBSD writes it: {@code $2b$COST$} then 22 characters of salt and 31 of
     * hash in bcrypt's base64 ({@code ./A-Za-z0-9}); {@code 2a}, {@code 2b} and {@code 2y} are one
     * algorithm for passwords under 256 bytes (only the first 72 bytes count).
     */
    public record Bcrypt(String hash) implements Password {
        static final Pattern FORMAT = Pattern.compile("\\$(2[aby])\\$(\\d\\d)\\$([./A-Za-z0-9]{22})[./A-Za-z0-9]{31}");
        /** htpasswd's upper bound: each step doubles the work, and 17 is already seconds per login. */
        public static final int MAX_COST = 17;

        public Bcrypt {
            Matcher m = FORMAT.matcher(hash);
            if (!m.matches() || Integer.parseInt(m.group(2)) < 4 || Integer.parseInt(m.group(2)) > MAX_COST) {
                throw new IllegalArgumentException("not a bcrypt hash of cost 4.." + MAX_COST);
            }
        }

        /** 2a, 2b or 2y. */
        public String version() {
            return hash.substring(1, 3);
        }

        public int cost() {
            return Integer.parseInt(hash.substring(4, 6));
        }

        /** The 22 characters of salt, in bcrypt's base64. */
        public String salt() {
            return hash.substring(7, 29);
        }

        @Override
        public String toString() {
            return "Bcrypt[$" + version() + "$" + cost() + "$***]";
        }
    }

    /**
     * An argon2id hash (RFC 9106, version 1.3) in the PHC string format:
     * {@code $argon2id$v=19$m=MEMORY_KIB,t=PASSES,p=LANES$SALT$HASH}, SALT and HASH in base64
     * without padding, as the reference implementation writes them.
     *
     * @param salt the salt's base64 text, as written
     * @param hash the hash's base64 text, as written
     */
    public record Argon2id(int memoryKib, int iterations, int parallelism, String salt, String hash) implements Password {
        static final Pattern FORMAT = Pattern.compile(
                "\\$argon2id\\$v=(\\d{1,9})\\$m=(\\d{1,10}),t=(\\d{1,10}),p=(\\d{1,10})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
        /** 1 GiB: libsodium's "sensitive" setting, far above any login's; more would risk the heap. */
        public static final int MAX_MEMORY_KIB = 1 << 20;
        /** Memory times passes, at most 4 GiB: a login of a few seconds at worst. */
        public static final long MAX_WORK_KIB = 4L << 20;
        public static final int MAX_PARALLELISM = 255;
        public static final int MIN_SALT_BYTES = 8;
        public static final int MIN_HASH_BYTES = 16;
        public static final int MAX_BYTES = 64;

        public Argon2id {
            String problem = problem(memoryKib, iterations, parallelism, salt, hash);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }

        public byte[] saltBytes() {
            return Base64.getDecoder().decode(salt);
        }

        public byte[] hashBytes() {
            return Base64.getDecoder().decode(hash);
        }

        /** The PHC string: what the users file holds. */
        public String encoded() {
            return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$" + salt + "$" + hash;
        }

        /** Encodes raw salt and hash bytes as the PHC string's base64 (no padding). */
        public static Argon2id of(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {
            Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
            return new Argon2id(memoryKib, iterations, parallelism, b64.encodeToString(salt), b64.encodeToString(hash));
        }

        @Override
        public String toString() {
            return "Argon2id[m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + ",***]";
        }

        /** What is wrong with these parameters, or null. */
        static String problem(long memoryKib, long iterations, long parallelism, String salt, String hash) {
            if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                return "p (lanes) must be 1.." + MAX_PARALLELISM + ", got " + parallelism;
            }
            if (iterations < 1) {
                return "t (passes) must be at least 1, got " + iterations;
            }
            if (memoryKib < 8 * parallelism || memoryKib > MAX_MEMORY_KIB) {
                return "m (memory in KiB) must be from 8 times p (" + 8 * parallelism + ") to " + MAX_MEMORY_KIB
                        + " (1 GiB), got " + memoryKib;
            }
            if (memoryKib * iterations > MAX_WORK_KIB) {
                return "m times t is over " + MAX_WORK_KIB + " (4 GiB passed over): a login would take too long";
            }
            int saltBytes = base64Length(salt);
            if (saltBytes < MIN_SALT_BYTES || saltBytes > MAX_BYTES) {
                return "the salt must be " + MIN_SALT_BYTES + ".." + MAX_BYTES + " bytes of base64 without padding";
            }
            int hashBytes = base64Length(hash);
            if (hashBytes < MIN_HASH_BYTES || hashBytes > MAX_BYTES) {
                return "the hash must be " + MIN_HASH_BYTES + ".." + MAX_BYTES + " bytes of base64 without padding";
            }
            return null;
        }

        /** Bytes that unpadded base64 text decodes to, or -1 when it is not such text. */
        private static int base64Length(String text) {
            if (text.length() % 4 == 1 || !text.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c)
                    || c == '+' || c == '/'))) {
                return -1;
            }
            try {
                return Base64.getDecoder().decode(text).length;
            } catch (IllegalArgumentException e) {
                return -1;
            }
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
            String rest = line.substring(equals + 1).strip();
            int end = passwordEnd(rest);
            String password = rest.substring(0, end).strip();
            String[] fields = rest.substring(end).split(",", -1);
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
        return new Users(file, users, lineOf);
    }

    /**
     * Where the password ends in what follows '=': at the first comma, except in an argon2 PHC
     * string, whose parameters {@code m=..,t=..,p=..} hold commas: it ends at the first comma after
     * its parameters (its fourth '$'), as its salt and hash never hold one.
     */
    private static int passwordEnd(String rest) {
        int from = 0;
        if (rest.startsWith("$argon2")) {
            for (int dollars = 0; from < rest.length() && dollars < 4; from++) {
                if (rest.charAt(from) == '$') {
                    dollars++;
                }
            }
        }
        int comma = rest.indexOf(',', from);
        return comma < 0 ? rest.length() : comma;
    }

    private static Password password(String text, String name, String where, List<String> problems) {
        String user = where + "user '" + name + "': ";
        if (text.startsWith(SHA_256)) {
            String rest = text.substring(SHA_256.length());
            int dollar = rest.lastIndexOf('$');
            String hex = dollar < 0 ? "" : rest.substring(dollar + 1);
            if (dollar < 0 || !HEX_64.matcher(hex).matches()) {
                problems.add(user + "a {SHA-256} password is SALT$HEX with 64 hex digits");
                return null;
            }
            return new SaltedSha256(rest.substring(0, dollar), hex.toLowerCase(Locale.ROOT));
        }
        if (text.startsWith("{") && text.indexOf('}') > 1 && text.substring(1, text.indexOf('}')).matches("[A-Za-z0-9-]+")) {
            problems.add(user + "unknown password scheme " + text.substring(0, text.indexOf('}') + 1)
                    + " (an argon2id or bcrypt hash, {SHA-256}SALT$HEX or plain text)");
            return null;
        }
        Matcher scheme = SCHEME.matcher(text);
        if (!scheme.lookingAt()) {
            return new Plain(text);
        }
        String id = scheme.group(1);
        if (id.equals("2a") || id.equals("2b") || id.equals("2y")) {
            return bcrypt(text, user, problems);
        }
        if (id.equals("argon2id")) {
            return argon2id(text, user, problems);
        }
        if (id.equals("argon2i") || id.equals("argon2d")) {
            problems.add(user + "$" + id + "$ hashes are not accepted: use argon2id ('container hash-password')");
        } else if (id.startsWith("2")) {
            problems.add(user + "bcrypt $" + id + "$ is not accepted: only $2a$, $2b$ and $2y$");
        } else {
            problems.add(user + "unknown password scheme $" + id
                    + "$ (an argon2id or bcrypt hash, {SHA-256}SALT$HEX or plain text)");
        }
        return null;
    }

    private static Password bcrypt(String text, String user, List<String> problems) {
        Matcher m = Bcrypt.FORMAT.matcher(text);
        if (!m.matches()) {
            problems.add(user + "a bcrypt hash is $2b$COST$ and 53 characters of ./A-Za-z0-9 (60 in all)");
            return null;
        }
        int cost = Integer.parseInt(m.group(2));
        if (cost < 4 || cost > Bcrypt.MAX_COST) {
            problems.add(user + "bcrypt cost must be 4.." + Bcrypt.MAX_COST + " (each step doubles the time of a login),"
                    + " got " + cost);
            return null;
        }
        return new Bcrypt(text);
    }

    private static Password argon2id(String text, String user, List<String> problems) {
        Matcher m = Argon2id.FORMAT.matcher(text);
        if (!m.matches()) {
            problems.add(user + "an argon2id hash is $argon2id$v=19$m=KIB,t=PASSES,p=LANES$SALT$HASH"
                    + " (SALT and HASH in base64 without padding)");
            return null;
        }
        if (!m.group(1).equals("19")) {
            problems.add(user + "argon2id version v=" + m.group(1) + " is not accepted: only v=19 (1.3)");
            return null;
        }
        for (int g = 2; g <= 4; g++) {
            if (m.group(g).length() > 1 && m.group(g).startsWith("0")) {
                problems.add(user + "argon2id parameters are written without leading zeros");
                return null;
            }
        }
        long memory = Long.parseLong(m.group(2));
        long passes = Long.parseLong(m.group(3));
        long lanes = Long.parseLong(m.group(4));
        String problem = Argon2id.problem(memory, passes, lanes, m.group(5), m.group(6));
        if (problem != null) {
            problems.add(user + "argon2id hash: " + problem);
            return null;
        }
        return new Argon2id((int) memory, (int) passes, (int) lanes, m.group(5), m.group(6));
    }
}
