package dev.container.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The --users file: its format, and errors that name file and line without showing passwords. */
class UsersTest {
    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        return Files.writeString(dir.resolve("users.properties"), text);
    }

    @Test
    void reads_plain_and_salted_passwords_roles_and_skips_comments() throws IOException {
        Path f = file("""
                # a comment
                   # an indented comment

                alice = wonderland, user, admin
                bob={SHA-256}pepper$B54C2FFBE1460E44E685BC10F79B0311B9DA475B29E45FF9247F50BE0A24B450 , user
                carol = p#ss=word
                """);
        Users users = Users.read(f);
        assertThat(users.byName()).containsOnlyKeys("alice", "bob", "carol");
        assertThat(users.user("alice").orElseThrow().password()).isEqualTo(new Users.Plain("wonderland"));
        assertThat(users.user("alice").orElseThrow().roles()).containsExactlyInAnyOrder("user", "admin");
        assertThat(users.user("bob").orElseThrow().password()).isEqualTo(new Users.SaltedSha256("pepper",
                "b54c2ffbe1460e44e685bc10f79b0311b9da475b29e45ff9247f50be0a24b450"));
        assertThat(users.user("carol").orElseThrow().password()).isEqualTo(new Users.Plain("p#ss=word"));
        assertThat(users.user("carol").orElseThrow().roles()).isEmpty();
    }

    @Test
    void every_bad_line_is_reported_with_file_and_line_and_never_the_password() throws IOException {
        Path f = file("""
                alice = wonderland, user
                just-a-password-line
                 = nameless
                bob =
                carl = {SHA-256}salt$abc
                dave = {MD5}0123, user
                erin = pw, user, , admin
                alice = again
                """);
        assertThatThrownBy(() -> Users.read(f))
                .isInstanceOfSatisfying(ConfigError.class, e -> assertThat(e.problems()).containsExactly(
                        f + ":2: expected 'name = password, role1, role2'",
                        f + ":3: missing user name before '='",
                        f + ":4: user 'bob' has an empty password",
                        f + ":5: user 'carl': a {SHA-256} password is SALT$HEX with 64 hex digits",
                        f + ":6: user 'dave': unknown password scheme {MD5} (an argon2id or bcrypt hash, {SHA-256}SALT$HEX or plain text)",
                        f + ":7: user 'erin': role 2 is empty",
                        f + ":8: user 'alice' is already defined on line 1"))
                .message().doesNotContain("just-a-password-line").doesNotContain("wonderland");
    }

    @Test
    void reads_argon2id_and_bcrypt_hashes_with_the_roles_after_them() throws IOException {
        Path f = file("""
                ann = $argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$PL01amPyeUuxG7H0vIr5X+qHkZvWnHmGBGXFYvh8z2E, staff, boss
                bea=$argon2id$v=19$m=47,t=1,p=3$MDEyMzQ1Njc4OWFiY2RlZg$38cR1pe0TBOJeanvt/lRww
                cid = $2y$05$j6AAfd3ID45U.TBor4xDcOHH7TsXD967wcBehPFbOPKJjMmS2hdKW , staff
                """);
        Users users = Users.read(f);
        assertThat(users.user("ann").orElseThrow().password()).isEqualTo(new Users.Argon2id(19456, 2, 1,
                "c29tZXNhbHQ", "PL01amPyeUuxG7H0vIr5X+qHkZvWnHmGBGXFYvh8z2E"));
        assertThat(users.user("ann").orElseThrow().roles()).containsExactlyInAnyOrder("staff", "boss");
        Users.Argon2id bea = (Users.Argon2id) users.user("bea").orElseThrow().password();
        assertThat(bea.encoded()).isEqualTo("$argon2id$v=19$m=47,t=1,p=3$MDEyMzQ1Njc4OWFiY2RlZg$38cR1pe0TBOJeanvt/lRww");
        assertThat(bea.saltBytes()).asString().isEqualTo("0123456789abcdef");
        assertThat(users.user("bea").orElseThrow().roles()).isEmpty();
        Users.Bcrypt cid = (Users.Bcrypt) users.user("cid").orElseThrow().password();
        assertThat(cid.version()).isEqualTo("2y");
        assertThat(cid.cost()).isEqualTo(5);
        assertThat(users.user("cid").orElseThrow().roles()).containsExactly("staff");
    }

    @Test
    void malformed_hashes_are_errors_at_their_line_that_never_show_the_hash() throws IOException {
        String salt = "c29tZXNhbHQ";
        String hash = "PL01amPyeUuxG7H0vIr5X+qHkZvWnHmGBGXFYvh8z2E";
        Path f = file(String.join("\n",
                "a = $argon2id$v=19$m=19456,t=2,p=1$" + salt,
                "b = $argon2id$v=16$m=19456,t=2,p=1$" + salt + "$" + hash,
                "c = $argon2id$v=19$m=19456,t=0,p=1$" + salt + "$" + hash,
                "d = $argon2id$v=19$m=4,t=2,p=1$" + salt + "$" + hash,
                "e = $argon2id$v=19$m=2097152,t=1,p=1$" + salt + "$" + hash,
                "f = $argon2id$v=19$m=19456,t=2,p=1$c2FsdA$" + hash,
                "g = $argon2id$v=19$m=19456,t=2,p=1$" + salt + "$PL01amPyeUux",
                "h = $argon2id$v=19$t=2,m=19456,p=1$" + salt + "$" + hash,
                "i = $argon2i$v=19$m=19456,t=2,p=1$" + salt + "$" + hash,
                "j = $2y$05$j6AAfd3ID45U.TBor4xDcOHH7TsXD967wcBehPFbOPKJjMmS2hd",
                "k = $2y$03$j6AAfd3ID45U.TBor4xDcOHH7TsXD967wcBehPFbOPKJjMmS2hdKW",
                "l = $2y$18$j6AAfd3ID45U.TBor4xDcOHH7TsXD967wcBehPFbOPKJjMmS2hdKW",
                "m = $2x$05$j6AAfd3ID45U.TBor4xDcOHH7TsXD967wcBehPFbOPKJjMmS2hdKW",
                "n = $apr1$salt$hash, staff",
                "o = $argon2id$v=19$m=019456,t=2,p=1$" + salt + "$" + hash,
                "p = $argon2id$v=19$m=1048576,t=8,p=1$" + salt + "$" + hash,
                "q = $2y$05$j6AAfd3ID45U.TBor4xDcOHH7TsXD967wcBehPFbOPKJjMmS2hd_W"));
        String argon2Format = "an argon2id hash is $argon2id$v=19$m=KIB,t=PASSES,p=LANES$SALT$HASH"
                + " (SALT and HASH in base64 without padding)";
        String bcryptFormat = "a bcrypt hash is $2b$COST$ and 53 characters of ./A-Za-z0-9 (60 in all)";
        assertThatThrownBy(() -> Users.read(f))
                .isInstanceOfSatisfying(ConfigError.class, e -> assertThat(e.problems()).containsExactly(
                        f + ":1: user 'a': " + argon2Format,
                        f + ":2: user 'b': argon2id version v=16 is not accepted: only v=19 (1.3)",
                        f + ":3: user 'c': argon2id hash: t (passes) must be at least 1, got 0",
                        f + ":4: user 'd': argon2id hash: m (memory in KiB) must be from 8 times p (8) to 1048576 (1 GiB), got 4",
                        f + ":5: user 'e': argon2id hash: m (memory in KiB) must be from 8 times p (8) to 1048576 (1 GiB),"
                                + " got 2097152",
                        f + ":6: user 'f': argon2id hash: the salt must be 8..64 bytes of base64 without padding",
                        f + ":7: user 'g': argon2id hash: the hash must be 16..64 bytes of base64 without padding",
                        f + ":8: user 'h': " + argon2Format,
                        f + ":9: user 'i': $argon2i$ hashes are not accepted: use argon2id ('container hash-password')",
                        f + ":10: user 'j': " + bcryptFormat,
                        f + ":11: user 'k': bcrypt cost must be 4..17 (each step doubles the time of a login), got 3",
                        f + ":12: user 'l': bcrypt cost must be 4..17 (each step doubles the time of a login), got 18",
                        f + ":13: user 'm': bcrypt $2x$ is not accepted: only $2a$, $2b$ and $2y$",
                        f + ":14: user 'n': unknown password scheme $apr1$ (an argon2id or bcrypt hash,"
                                + " {SHA-256}SALT$HEX or plain text)",
                        f + ":15: user 'o': argon2id parameters are written without leading zeros",
                        f + ":16: user 'p': argon2id hash: m times t is over 4194304 (4 GiB passed over): a login would"
                                + " take too long",
                        f + ":17: user 'q': " + bcryptFormat))
                .message().doesNotContain(salt).doesNotContain("PL01amPy").doesNotContain("j6AAfd3ID45U");
    }

    @Test
    void warns_once_for_each_plain_text_or_sha256_password_naming_user_and_line_but_not_the_password()
            throws IOException {
        Path f = file("""
                # staff
                ann = wonderland, staff
                bob={SHA-256}pepper$B54C2FFBE1460E44E685BC10F79B0311B9DA475B29E45FF9247F50BE0A24B450 , user
                cid = $2y$05$j6AAfd3ID45U.TBor4xDcOHH7TsXD967wcBehPFbOPKJjMmS2hdKW , staff
                """);
        assertThat(Users.read(f).warnings()).containsExactly(
                f + ":2: user 'ann' has a plain-text password: whoever reads this file can log in as ann;"
                        + " put the output of 'container hash-password' in its place",
                f + ":3: user 'bob' has a {SHA-256} password (deprecated: one round of SHA-256 falls to an offline"
                        + " guesser in minutes); put the output of 'container hash-password' in its place")
                .allSatisfy(w -> assertThat(w).doesNotContain("wonderland").doesNotContain("pepper"));
    }

    @Test
    void the_same_users_on_other_lines_are_equal() throws IOException {
        Users before = Users.read(file("ann = wonderland, staff\n"));
        Users after = Users.read(file("# moved down\n\nann = wonderland, staff\n"));
        assertThat(after).isEqualTo(before).hasSameHashCodeAs(before);
        assertThat(after.warnings()).singleElement().asString().contains(":3: user 'ann'");
        assertThat(Users.read(file("ann = wonderland, boss\n"))).isNotEqualTo(before);
    }

    @Test
    void missing_file_is_named() {
        Path f = dir.resolve("nope.properties");
        assertThatThrownBy(() -> Users.read(f)).hasMessage(f + ": no such file");
    }

    @Test
    void passwords_never_appear_in_to_string() throws IOException {
        assertThat(Users.read(file("alice = wonderland, user")).toString()).doesNotContain("wonderland");
        assertThat(Users.read(file("ann = $argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$PL01amPyeUuxG7H0vIr5X+qHkZvWnHmGBGXFYvh8z2E"
                + "\nbob = $2y$05$j6AAfd3ID45U.TBor4xDcOHH7TsXD967wcBehPFbOPKJjMmS2hdKW")).toString())
                .contains("m=19456").doesNotContain("c29tZXNhbHQ").doesNotContain("PL01amPy").doesNotContain("j6AAfd3ID45U");
    }
}
