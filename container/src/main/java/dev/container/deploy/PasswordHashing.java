package dev.container.deploy;

import dev.container.config.Users.Argon2id;
import dev.container.config.Users.Bcrypt;
import dev.container.config.Users.Password;
import dev.container.config.Users.Plain;
import dev.container.config.Users.SaltedSha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashes through BouncyCastle: checks a given password against a stored one of any
 * scheme the users file takes, always comparing in constant time ({@link MessageDigest#isEqual}),
 * and makes new argon2id and bcrypt hashes for {@code container hash-password}. Stateless and
 * thread-safe; the caller bounds how many run at once (each argon2id check takes its memory).
 */
public final class PasswordHashing {
    /**
     * argon2id memory, passes and lanes of new hashes: OWASP's Password Storage Cheat Sheet's
     * first configuration (19 MiB, 2 passes, 1 lane): 40 to 80 ms per login here with BouncyCastle;
     * RFC 9106's second recommendation (64 MiB, t=3, p=4) took 225 ms and 64 MiB per login, and its
     * first (2 GiB) is out of reach of a server that checks logins in its request threads.
     */
    public static final int ARGON2_MEMORY_KIB = 19_456;
    public static final int ARGON2_ITERATIONS = 2;
    public static final int ARGON2_PARALLELISM = 1;
    /** Salt and hash lengths of new argon2id hashes: 128 and 256 bits, as RFC 9106 recommends. */
    public static final int SALT_BYTES = 16;
    public static final int HASH_BYTES = 32;
    /** OWASP's minimum bcrypt work factor: about as slow here as the argon2id setting. */
    public static final int BCRYPT_COST = 10;
    /** bcrypt reads only this many bytes of a password. */
    public static final int BCRYPT_MAX_BYTES = 72;

    private static final String BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private PasswordHashing() {
    }

    /** Whether given (UTF-8) is the stored password; the comparison takes the same time wherever they differ. */
    public static boolean matches(Password stored, byte[] given) {
        return matches(stored, given, null);
    }

    /**
     * As {@link #matches(Password, byte[])}, taking argon2id's memory from blocks, a pool shared
     * by checks that run one after another (null: fresh memory for each check).
     */
    static boolean matches(Password stored, byte[] given, Argon2BytesGenerator.BlockPool blocks) {
        if (stored instanceof Argon2id a) {
            byte[] expected = a.hashBytes();
            return MessageDigest.isEqual(argon2id(given, a.saltBytes(), a.memoryKib(), a.iterations(), a.parallelism(),
                    expected.length, blocks), expected);
        }
        if (stored instanceof Bcrypt b) {
            // As OpenBSD's bcrypt_checkpass: hash again with the stored salt and cost, compare whole strings.
            String again = OpenBSDBCrypt.generate(b.version(), given, bcryptSalt(b.salt()), b.cost());
            return MessageDigest.isEqual(again.getBytes(StandardCharsets.US_ASCII),
                    b.hash().getBytes(StandardCharsets.US_ASCII));
        }
        if (stored instanceof SaltedSha256 s) {
            return MessageDigest.isEqual(sha256(concat(s.salt().getBytes(StandardCharsets.UTF_8), given)),
                    HexFormat.of().parseHex(s.hex()));
        }
        // Digests of equal length: comparing them takes no longer for a longer or closer guess.
        return MessageDigest.isEqual(sha256(given), sha256(((Plain) stored).text().getBytes(StandardCharsets.UTF_8)));
    }

    /** A new argon2id hash of password (UTF-8) with the parameters above and a fresh random salt. */
    public static Argon2id argon2id(byte[] password, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = argon2id(password, salt, ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_PARALLELISM, HASH_BYTES, null);
        return Argon2id.of(ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_PARALLELISM, salt, hash);
    }

    /** A new bcrypt hash ($2b$, cost {@link #BCRYPT_COST}); password must be at most 72 bytes. */
    public static Bcrypt bcrypt(byte[] password, SecureRandom random) {
        if (password.length > BCRYPT_MAX_BYTES) {
            throw new IllegalArgumentException("bcrypt reads only the first " + BCRYPT_MAX_BYTES + " bytes of a password");
        }
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return new Bcrypt(OpenBSDBCrypt.generate("2b", password, salt, BCRYPT_COST));
    }

    /**
     * A stored password that no password matches but that takes as long to check as like: the
     * same scheme and parameters with a random salt and hash. Unknown users are checked against
     * it, so that they take as long as known ones.
     */
    static Password dummyLike(Password like, SecureRandom random) {
        if (like instanceof Argon2id a) {
            byte[] salt = new byte[a.saltBytes().length];
            byte[] hash = new byte[a.hashBytes().length];
            random.nextBytes(salt);
            random.nextBytes(hash);
            return Argon2id.of(a.memoryKib(), a.iterations(), a.parallelism(), salt, hash);
        }
        if (like instanceof Bcrypt b) {
            byte[] salt = new byte[16];
            byte[] password = new byte[16];
            random.nextBytes(salt);
            random.nextBytes(password);
            // A real hash at the cheapest cost, then marked with b's: its hash part matches nothing.
            String cheap = OpenBSDBCrypt.generate(b.version(), password, salt, 4);
            return new Bcrypt(cheap.substring(0, 4) + "%02d".formatted(b.cost()) + cheap.substring(6));
        }
        return new SaltedSha256("", "0".repeat(64));
    }

    static byte[] argon2id(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length,
                           Argon2BytesGenerator.BlockPool blocks) {
        Argon2Parameters.Builder builder = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt);
        if (blocks != null) {
            builder.withBlockPool(blocks);
        }
        Argon2Parameters parameters = builder.build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }

    /** The 16 bytes of a bcrypt salt from its 22 characters of bcrypt's base64 (the last 4 bits unused). */
    static byte[] bcryptSalt(String text) {
        byte[] salt = new byte[16];
        int bits = 0;
        int buffer = 0;
        int n = 0;
        for (int i = 0; i < text.length() && n < salt.length; i++) {
            buffer = (buffer << 6) | BCRYPT_ALPHABET.indexOf(text.charAt(i));
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                salt[n++] = (byte) (buffer >> bits);
                buffer &= (1 << bits) - 1;
            }
        }
        return salt;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
