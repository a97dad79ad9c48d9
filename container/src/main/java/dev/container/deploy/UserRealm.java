package dev.container.deploy;

import dev.container.config.Users;
import dev.container.config.Users.Argon2id;
import dev.container.config.Users.Bcrypt;
import io.undertow.security.idm.Account;
import io.undertow.security.idm.Credential;
import io.undertow.security.idm.IdentityManager;
import io.undertow.security.idm.PasswordCredential;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks logins (BASIC, FORM, {@code HttpServletRequest.login}) against a {@link Users} file,
 * through the server's {@link LoginGuard} (lockout, bounded hashing). Passwords are compared in
 * constant time, and an unknown user is checked against a dummy hash of the same scheme and
 * parameters as most of the file's users, so that it takes as long as a known user with a wrong
 * password: timing tells neither whether a name exists nor how close a guess was. Thread-safe.
 */
final class UserRealm implements IdentityManager {
    private static final String FAST = "fast";

    private final Optional<Users> users;
    private final LoginGuard guard;
    private final Users.Password dummy;

    UserRealm(Optional<Users> users, LoginGuard guard) {
        this.users = users;
        this.guard = guard;
        this.dummy = dummyFor(users, new SecureRandom());
    }

    @Override
    public Account verify(Account account) {
        // A session's account stays valid while its user is still in the file.
        return users.flatMap(u -> u.user(account.getPrincipal().getName())).isPresent() ? account : null;
    }

    @Override
    public Account verify(String id, Credential credential) {
        if (!(credential instanceof PasswordCredential password)) {
            return null;
        }
        Optional<Users.User> user = users.flatMap(u -> u.user(id));
        byte[] given = utf8(password.getPassword());
        try {
            if (user.isEmpty()) {
                guard.dummyCheck(dummy, given);
                return null;
            }
            return guard.login(id, user.get().password(), given) ? new UserAccount(id, user.get().roles()) : null;
        } finally {
            Arrays.fill(given, (byte) 0);
        }
    }

    @Override
    public Account verify(Credential credential) {
        return null;
    }

    /**
     * The dummy for unknown names: like the most common kind of stored password in the file; on a
     * tie a slow hash rather than a fast one, so that no hashed user is slower than a made-up name.
     */
    static Users.Password dummyFor(Optional<Users> users, SecureRandom random) {
        Map<String, Users.Password> byKind = users.map(u -> u.byName().values().stream()
                        .map(Users.User::password)
                        .collect(Collectors.toMap(UserRealm::kind, Function.identity(), (a, b) -> a)))
                .orElse(Map.of());
        Map<String, Long> counts = users.map(u -> u.byName().values().stream()
                        .collect(Collectors.groupingBy(x -> kind(x.password()), Collectors.counting())))
                .orElse(Map.of());
        Optional<String> common = counts.entrySet().stream()
                .max(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue)
                        .thenComparing(e -> !e.getKey().equals(FAST))
                        .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey);
        return PasswordHashing.dummyLike(common.map(byKind::get).orElse(new Users.Plain("")), random);
    }

    /** Passwords of one kind take one time to check: scheme and cost parameters. */
    private static String kind(Users.Password p) {
        if (p instanceof Argon2id a) {
            return "argon2id m=" + a.memoryKib() + " t=" + a.iterations() + " p=" + a.parallelism()
                    + " salt=" + a.saltBytes().length + " hash=" + a.hashBytes().length;
        }
        if (p instanceof Bcrypt b) {
            return "bcrypt " + b.cost();
        }
        return FAST; // plain text and one round of SHA-256: microseconds either way
    }

    private static byte[] utf8(char[] chars) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }

    private record UserPrincipal(String getName) implements Principal {
    }

    private record UserAccount(String name, Set<String> roles) implements Account {
        @Override
        public Principal getPrincipal() {
            return new UserPrincipal(name);
        }

        @Override
        public Set<String> getRoles() {
            return roles;
        }
    }
}
