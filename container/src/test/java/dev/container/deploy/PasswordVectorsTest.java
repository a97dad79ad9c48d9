package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.config.Users;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hashes made by other implementations (htpasswd, the argon2 reference, OpenBSD's bcrypt
 * vectors: see logins/password-vectors.txt for where each comes from) read from a users file
 * and checked as a login checks them.
 */
class PasswordVectorsTest {
    @TempDir
    static Path dir;

    record Vector(String hash, String password) {
        @Override
        public String toString() {
            return hash.substring(0, hash.indexOf('$', 1) + 1) + " " + password;
        }
    }

    static List<Vector> vectors() throws IOException {
        List<Vector> vectors = new ArrayList<>();
        try (InputStream in = PasswordVectorsTest.class.getResourceAsStream("/logins/password-vectors.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    int space = line.indexOf(' ');
                    vectors.add(new Vector(line.substring(0, space), line.substring(space + 1)));
                }
            }
        }
        return vectors;
    }

    /** The vector's hash as the users file gives it: through the file's own parser. */
    private static Users.Password stored(Vector v) throws IOException {
        Path file = Files.writeString(Files.createTempFile(dir, "users", ".properties"), "u = " + v.hash() + ", role\n");
        Users.User user = Users.read(file).user("u").orElseThrow();
        assertThat(user.roles()).containsExactly("role");
        return user.password();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void the_file_holds_bcrypt_2a_2b_2y_and_argon2id_vectors() throws IOException {
        assertThat(vectors()).hasSizeGreaterThanOrEqualTo(17)
                .extracting(v -> v.hash().substring(0, v.hash().indexOf('$', 1) + 1))
                .contains("$2a$", "$2b$", "$2y$", "$argon2id$");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void the_right_password_matches(Vector v) throws IOException {
        assertThat(PasswordHashing.matches(stored(v), utf8(v.password()))).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void a_password_one_character_off_or_shorter_does_not(Vector v) throws IOException {
        Users.Password stored = stored(v);
        String p = v.password();
        int last = Math.min(p.length(), 72) - 1; // bcrypt reads no further
        String lastChanged = p.substring(0, last) + (char) (p.charAt(last) ^ 1) + p.substring(last + 1);
        assertThat(PasswordHashing.matches(stored, utf8(lastChanged))).isFalse();
        assertThat(PasswordHashing.matches(stored, utf8(p.substring(1)))).isFalse();
        assertThat(PasswordHashing.matches(stored, utf8(""))).isFalse();
    }

    @Test
    void bcrypt_reads_only_the_first_72_bytes_as_other_implementations_do() throws IOException {
        Vector v = vectors().stream().filter(x -> x.password().length() > 72).findFirst().orElseThrow();
        String first72 = v.password().substring(0, 72);
        assertThat(PasswordHashing.matches(stored(v), utf8(first72))).isTrue();
        assertThat(PasswordHashing.matches(stored(v), utf8(first72.substring(0, 71)))).isFalse();
    }

    @Test
    void bcrypt_salt_text_decodes_to_the_bytes_bouncycastle_encoded() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 20; i++) {
            byte[] salt = new byte[16];
            random.nextBytes(salt);
            String hash = OpenBSDBCrypt.generate("2b", utf8("x"), salt, 4);
            assertThat(PasswordHashing.bcryptSalt(hash.substring(7, 29))).isEqualTo(salt);
        }
    }

    @Test
    void new_hashes_check_and_read_back_from_a_users_file() throws IOException {
        SecureRandom random = new SecureRandom();
        Users.Argon2id argon = PasswordHashing.argon2id(utf8("pässwörd"), random);
        assertThat(argon.encoded()).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        Users.Bcrypt bcrypt = PasswordHashing.bcrypt(utf8("pässwörd"), random);
        assertThat(bcrypt.hash()).startsWith("$2b$10$").hasSize(60);
        for (String hash : List.of(argon.encoded(), bcrypt.hash())) {
            Users.Password stored = stored(new Vector(hash, "pässwörd"));
            assertThat(PasswordHashing.matches(stored, utf8("pässwörd"))).isTrue();
            assertThat(PasswordHashing.matches(stored, utf8("passwörd"))).isFalse();
        }
        assertThat(PasswordHashing.argon2id(utf8("pässwörd"), random)).as("a fresh salt each time").isNotEqualTo(argon);
    }

    @Test
    void dummies_take_the_scheme_and_parameters_of_their_model_and_match_nothing() throws IOException {
        SecureRandom random = new SecureRandom();
        List<Vector> all = vectors();
        for (int i : new int[] {0, 8, 11, 16}) { // bcrypt 2a, bcrypt 2y, argon2id with 2 lanes, with a 16-byte hash
            Vector v = all.get(i);
            Users.Password model = stored(v);
            Users.Password dummy = PasswordHashing.dummyLike(model, random);
            assertThat(dummy.getClass()).isEqualTo(model.getClass());
            if (model instanceof Users.Argon2id a) {
                Users.Argon2id d = (Users.Argon2id) dummy;
                assertThat(List.of(d.memoryKib(), d.iterations(), d.parallelism(), d.saltBytes().length,
                        d.hashBytes().length)).isEqualTo(List.of(a.memoryKib(), a.iterations(), a.parallelism(),
                        a.saltBytes().length, a.hashBytes().length));
            } else {
                assertThat(((Users.Bcrypt) dummy).cost()).isEqualTo(((Users.Bcrypt) model).cost());
                assertThat(((Users.Bcrypt) dummy).version()).isEqualTo(((Users.Bcrypt) model).version());
            }
            assertThat(PasswordHashing.matches(dummy, utf8(v.password()))).isFalse();
        }
    }
}
