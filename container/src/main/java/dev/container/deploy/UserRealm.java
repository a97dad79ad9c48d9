package dev.container.deploy;

import dev.container.config.Users;
import dev.container.config.Users.Plain;
import dev.container.config.Users.SaltedSha256;
import io.undertow.security.idm.Account;
import io.undertow.security.idm.Credential;
import io.undertow.security.idm.IdentityManager;
import io.undertow.security.idm.PasswordCredential;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Checks logins (BASIC, FORM, {@code HttpServletRequest.login}) against a {@link Users} file.
 * Passwords are compared in constant time, through SHA-256 digests of equal length, and an
 * unknown user costs the same as a wrong password, so timing tells neither. Thread-safe (immutable).
 */
final class UserRealm implements IdentityManager {
    /** Checked for unknown users, so they take as long as known ones. */
    private static final Users.Password NOBODY = new SaltedSha256("", "0".repeat(64));

    private final Optional<Users> users;

    UserRealm(Optional<Users> users) {
        this.users = users;
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
        boolean matches = matches(user.map(Users.User::password).orElse(NOBODY), password.getPassword());
        return matches && user.isPresent() ? new UserAccount(id, user.get().roles()) : null;
    }

    @Override
    public Account verify(Credential credential) {
        return null;
    }

    static boolean matches(Users.Password stored, char[] given) {
        byte[] givenBytes = utf8(given);
        try {
            if (stored instanceof SaltedSha256 salted) {
                return MessageDigest.isEqual(sha256(concat(salted.salt().getBytes(StandardCharsets.UTF_8), givenBytes)),
                        HexFormat.of().parseHex(salted.hex()));
            }
            Plain plain = (Plain) stored;
            return MessageDigest.isEqual(sha256(givenBytes), sha256(plain.text().getBytes(StandardCharsets.UTF_8)));
        } finally {
            Arrays.fill(givenBytes, (byte) 0);
        }
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

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
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
