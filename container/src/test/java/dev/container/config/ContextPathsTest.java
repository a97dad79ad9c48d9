package dev.container.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContextPathsTest {
    @Test
    void war_name_becomes_the_context_path() {
        assertThat(ContextPaths.fromFileName("shop.war")).isEqualTo("/shop");
        assertThat(ContextPaths.fromFileName("shop")).isEqualTo("/shop");
        assertThat(ContextPaths.fromFileName("Shop.WAR")).isEqualTo("/Shop");
    }

    @Test
    void root_war_is_served_at_slash() {
        assertThat(ContextPaths.fromFileName("ROOT.war")).isEqualTo("/");
        assertThat(ContextPaths.fromFileName("ROOT")).isEqualTo("/");
    }

    @Test
    void hash_in_the_name_stands_for_a_slash() {
        assertThat(ContextPaths.fromFileName("api#v2.war")).isEqualTo("/api/v2");
    }

    @Test
    void bad_paths_are_explained() {
        assertThat(ContextPaths.problem("/ok/path")).isNull();
        assertThat(ContextPaths.problem("/")).isNull();
        assertThat(ContextPaths.problem("nope")).isEqualTo("must start with '/'");
        assertThat(ContextPaths.problem("/a/")).isEqualTo("must not end with '/'");
        assertThat(ContextPaths.problem("/a/../b")).isEqualTo("has an empty, '.' or '..' segment");
        assertThat(ContextPaths.problem("/a b")).isEqualTo("contains '\\u0020'");
    }
}
