package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.config.Users;
import io.undertow.security.idm.PasswordCredential;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UserRealmTest {
    private static final Users USERS = new Users(Path.of("users.properties"), Map.of(
            "alice", new Users.User("alice", new Users.Plain("wonderland"), Set.of("user", "admin")),
            "bob", new Users.User("bob", new Users.SaltedSha256("pepper",
                    "b54c2ffbe1460e44e685bc10f79b0311b9da475b29e45ff9247f50be0a24b450"), Set.of("user"))));

    private final UserRealm realm = new UserRealm(Optional.of(USERS));

    @Test
    void right_plain_password_gives_the_users_account_and_roles() {
        var account = realm.verify("alice", new PasswordCredential("wonderland".toCharArray()));
        assertThat(account.getPrincipal().getName()).isEqualTo("alice");
        assertThat(account.getRoles()).containsExactlyInAnyOrder("user", "admin");
    }

    @Test
    void right_salted_password_is_accepted() {
        assertThat(realm.verify("bob", new PasswordCredential("builder".toCharArray()))).isNotNull();
    }

    @Test
    void wrong_password_prefix_or_unknown_user_is_refused() {
        assertThat(realm.verify("alice", new PasswordCredential("wonderlan".toCharArray()))).isNull();
        assertThat(realm.verify("alice", new PasswordCredential("wonderland ".toCharArray()))).isNull();
        assertThat(realm.verify("bob", new PasswordCredential("pepperbuilder".toCharArray()))).isNull();
        assertThat(realm.verify("nobody", new PasswordCredential("".toCharArray()))).isNull();
    }

    @Test
    void without_a_users_file_every_login_fails() {
        assertThat(new UserRealm(Optional.empty()).verify("alice", new PasswordCredential("wonderland".toCharArray())))
                .isNull();
    }
}
