package dev.container.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage section: files by default, postgres with a url and a key, each mistake on its line. */
class StorageSectionTest {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String OTHER_KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @TempDir
    Path dir;

    private Plan load(String text) throws Exception {
        return load(text, Map.of());
    }

    private Plan load(String text, Map<String, String> environment) throws Exception {
        return ConfigFile.load(Files.writeString(dir.resolve("container.conf"), text), environment);
    }

    private String problems(String text, Map<String, String> environment) {
        ConfigError error = catchThrowableOfType(ConfigError.class, () -> load(text, environment));
        assertThat(error).as("refused").isNotNull();
        return String.join("\n", error.problems()).replace(dir.toString(), "DIR");
    }

    @Test
    void without_a_section_or_with_type_files_the_state_directory_it_is() throws Exception {
        assertThat(load("# nothing\n").storage()).isEqualTo(StorageSpec.FILES);
        assertThat(load("storage { type = files }\n").storage()).isEqualTo(StorageSpec.FILES);
        assertThat(load("storage { type = files }\n").storage().shared()).isFalse();
    }

    @Test
    void postgres_reads_url_user_password_pool_and_the_key_file_relative_to_the_config() throws Exception {
        Files.writeString(dir.resolve("storage.key"), KEY + "\n");
        StorageSpec storage = load("""
                storage {
                  type = postgres
                  url = "jdbc:postgresql://db.example.com:5432/container"
                  user = container
                  password = "s3cret"
                  key-file = storage.key
                  pool { max = 4 }
                }
                """).storage();
        assertThat(storage).isEqualTo(new StorageSpec.InPostgres("jdbc:postgresql://db.example.com:5432/container",
                Optional.of("container"), Optional.of("s3cret"), StorageKey.parse(KEY, "x"), 4));
        assertThat(storage.shared()).isTrue();
        assertThat(((StorageSpec.InPostgres) storage).key().source()).isEqualTo("key-file " + dir.resolve("storage.key"));
    }

    @Test
    void the_key_comes_from_the_environment_when_no_key_file_is_named_and_the_file_wins_over_it() throws Exception {
        String text = "storage { type = postgres, url = \"jdbc:postgresql://db/container\" }\n";
        StorageSpec.InPostgres fromEnvironment = (StorageSpec.InPostgres) load(text, Map.of(StorageKey.VARIABLE, OTHER_KEY)).storage();
        assertThat(fromEnvironment.key()).isEqualTo(StorageKey.parse(OTHER_KEY, "x"));
        assertThat(fromEnvironment.key().source()).isEqualTo(StorageKey.VARIABLE);
        assertThat(fromEnvironment.poolMax()).isEqualTo(StorageSpec.InPostgres.DEFAULT_POOL_MAX);
        assertThat(fromEnvironment.user()).isEmpty();
        assertThat(fromEnvironment.password()).isEmpty();

        Files.writeString(dir.resolve("storage.key"), KEY);
        StorageSpec.InPostgres fromFile = (StorageSpec.InPostgres) load(
                "storage { type = postgres, url = \"jdbc:postgresql://db/container\", key-file = storage.key }\n",
                Map.of(StorageKey.VARIABLE, OTHER_KEY)).storage();
        assertThat(fromFile.key()).isEqualTo(StorageKey.parse(KEY, "x"));
    }

    @Test
    void node_names_this_node_and_a_name_that_no_row_or_session_could_hold_is_refused_on_its_line() throws Exception {
        Files.writeString(dir.resolve("storage.key"), KEY);
        String text = "storage { type = postgres, url = \"jdbc:postgresql://db/c\", key-file = storage.key, node = %s }\n";
        assertThat(((StorageSpec.InPostgres) load(text.formatted("web-1.eu_2")).storage()).node()).hasValue("web-1.eu_2");
        assertThat(((StorageSpec.InPostgres) load(text.formatted("\"\"").replace(", node = \"\"", "")).storage()).node())
                .isEmpty();
        assertThat(problems(text.formatted("\"web 1\""), Map.of())).isEqualTo("DIR/container.conf:1: storage.node: expected a"
                + " node name of 1 to 40 letters, digits, '.', '-' and '_' (starting with a letter or digit), such as web1,"
                + " got 'web 1'");
        assertThat(problems("storage { type = files, node = web1 }\n", Map.of()))
                .isEqualTo("DIR/container.conf:1: storage.node: node is for type = postgres; this storage is files (the state"
                        + " directory)");
    }

    @Test
    void an_unset_optional_password_is_none() throws Exception {
        StorageSpec.InPostgres storage = (StorageSpec.InPostgres) load("""
                storage {
                  type = postgres
                  url = "jdbc:postgresql://db/container"
                  password = ${?CONTAINER_TEST_SURELY_UNSET_VARIABLE}
                }
                """, Map.of(StorageKey.VARIABLE, KEY)).storage();
        assertThat(storage.password()).isEmpty();
    }

    @Test
    void postgres_without_a_key_is_refused_at_its_type_line_saying_how_to_make_one() {
        assertThat(problems("""
                # a cluster
                storage {
                  type = postgres
                  url = "jdbc:postgresql://db/container"
                }
                """, Map.of())).isEqualTo("DIR/container.conf:3: storage.type: type = postgres needs a key to encrypt the"
                + " private keys it stores in the database: set key-file = /path/to/storage.key, or the environment variable"
                + " CONTAINER_STORAGE_KEY, to the base64 of 32 random bytes (make one with openssl rand -base64 32)");
    }

    @Test
    void a_key_that_is_not_32_bytes_of_base64_is_refused_without_showing_it() throws Exception {
        Files.writeString(dir.resolve("short.key"), "c2hvcnQ=\n");
        assertThat(problems("storage { type = postgres, url = \"jdbc:postgresql://db/c\", key-file = short.key }\n", Map.of()))
                .isEqualTo("DIR/container.conf:1: storage.key-file: DIR/short.key: expected the base64 of 32 random bytes"
                        + " (make one with openssl rand -base64 32), but it holds 5 bytes");
        assertThat(problems("storage { type = postgres, url = \"jdbc:postgresql://db/c\" }\n",
                Map.of(StorageKey.VARIABLE, "not base64!")))
                .isEqualTo("DIR/container.conf:1: storage.type: the environment variable CONTAINER_STORAGE_KEY: expected the"
                        + " base64 of 32 random bytes (make one with openssl rand -base64 32), but it is not base64")
                .doesNotContain("not base64!");
    }

    @Test
    void postgres_without_a_url_or_with_a_malformed_one_is_refused() {
        assertThat(problems("storage {\n  type = postgres\n}\n", Map.of(StorageKey.VARIABLE, KEY)))
                .isEqualTo("DIR/container.conf:2: storage.type: type = postgres needs url = \"jdbc:postgresql://db.example.com:5432/container\"");
        assertThat(problems("storage {\n  type = postgres\n  url = \"jdbc:postgresql://db:notaport/c\"\n}\n",
                Map.of(StorageKey.VARIABLE, KEY)))
                .isEqualTo("DIR/container.conf:3: storage.url: not a valid PostgreSQL JDBC URL: 'jdbc:postgresql://db:notaport/c'"
                        + " (expected the form jdbc:postgresql://db.example.com:5432/container)");
    }

    @Test
    void the_password_and_the_key_never_show_in_the_printed_plan() throws Exception {
        Plan plan = load("""
                storage {
                  type = postgres
                  url = "jdbc:postgresql://db/container?sslmode=require&password=inurl"
                  password = "s3cret"
                }
                """, Map.of(StorageKey.VARIABLE, KEY));
        assertThat(plan.toString()).doesNotContain("s3cret").doesNotContain("inurl").doesNotContain(KEY)
                .contains("jdbc:postgresql://db/container?sslmode=require&password=***");
    }

    @Test
    void a_storage_change_is_a_plan_change() throws Exception {
        String text = "storage { type = postgres, url = \"jdbc:postgresql://db/container\" }\n";
        assertThat(load(text, Map.of(StorageKey.VARIABLE, KEY))).isEqualTo(load(text, Map.of(StorageKey.VARIABLE, KEY)));
        assertThat(load(text, Map.of(StorageKey.VARIABLE, KEY)).storage())
                .isNotEqualTo(load(text, Map.of(StorageKey.VARIABLE, OTHER_KEY)).storage());
    }
}
