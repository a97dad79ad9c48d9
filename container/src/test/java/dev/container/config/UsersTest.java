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
                        f + ":6: user 'dave': unknown password scheme {MD5} (plain text or {SHA-256}SALT$HEX)",
                        f + ":7: user 'erin': role 2 is empty",
                        f + ":8: user 'alice' is already defined on line 1"))
                .message().doesNotContain("just-a-password-line").doesNotContain("wonderland");
    }

    @Test
    void missing_file_is_named() {
        Path f = dir.resolve("nope.properties");
        assertThatThrownBy(() -> Users.read(f)).hasMessage(f + ": no such file");
    }

    @Test
    void passwords_never_appear_in_to_string() throws IOException {
        assertThat(Users.read(file("alice = wonderland, user")).toString()).doesNotContain("wonderland");
    }
}
