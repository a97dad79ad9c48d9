package dev.container.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanBuilderTest {
    @TempDir
    Path dir;

    private Path war(String name) throws Exception {
        // The smallest valid zip: an empty end-of-central-directory record.
        byte[] empty = {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        return Files.write(dir.resolve(name), empty);
    }

    @Test
    void war_context_path_follows_tomcat_naming() throws Exception {
        var plan = new PlanBuilder().war(war("shop.war").toString()).war(war("ROOT.war").toString()).build();
        assertThat(plan.apps()).extracting(AppSpec::contextPath).containsExactly("/shop", "/");
    }

    @Test
    void explicit_context_path_after_a_colon_wins() throws Exception {
        var plan = new PlanBuilder().war(war("shop.war") + ":/store/v2").build();
        assertThat(plan.apps().get(0).contextPath()).isEqualTo("/store/v2");
    }

    @Test
    void exploded_directory_is_an_app() throws Exception {
        Path exploded = Files.createDirectories(dir.resolve("blog"));
        var plan = new PlanBuilder().war(exploded.toString()).build();
        assertThat(plan.apps().get(0)).satisfies(a -> {
            assertThat(a.exploded()).isTrue();
            assertThat(a.contextPath()).isEqualTo("/blog");
        });
    }

    @Test
    void no_migrate_refuses_javax_wars_of_every_app_also_those_of_the_config_file() throws Exception {
        war("shop.war");
        Path conf = Files.writeString(dir.resolve("c.conf"), "apps = [shop.war]\n");
        assertThat(new PlanBuilder().configFile(conf).war(war("blog.war").toString()).build().apps())
                .extracting(AppSpec::migrate).containsExactly(true, true);
        assertThat(new PlanBuilder().configFile(conf).war(war("blog.war").toString()).migrate(false).build().apps())
                .extracting(AppSpec::migrate).containsExactly(false, false);
    }

    @Test
    void defaults_are_port_8080_on_every_interface_and_state_in_the_working_directory() {
        var plan = new PlanBuilder().build();
        assertThat(plan.listeners()).containsExactly(new ListenerSpec("0.0.0.0", 8080));
        assertThat(plan.stateDir()).isEqualTo(Path.of("state").toAbsolutePath());
    }

    @Test
    void listen_accepts_port_host_port_and_bracketed_ipv6() {
        var plan = new PlanBuilder().listen("9000").listen(":9001").listen("127.0.0.1:9002").listen("[::1]:9003").build();
        assertThat(plan.listeners()).containsExactly(
                new ListenerSpec("0.0.0.0", 9000), new ListenerSpec("0.0.0.0", 9001),
                new ListenerSpec("127.0.0.1", 9002), new ListenerSpec("::1", 9003));
    }

    @Test
    void every_problem_is_reported_at_once_naming_the_value() throws Exception {
        Path notZip = Files.writeString(dir.resolve("notes.war"), "hello");
        assertThatThrownBy(() -> new PlanBuilder()
                .war(dir.resolve("missing.war").toString())
                .war(notZip.toString())
                .listen("localhost:http")
                .listen(":70000")
                .listen("no-such-host.invalid:80")
                .staticDir(dir.resolve("nope").toString(), false)
                .build())
                .isInstanceOfSatisfying(ConfigError.class, e -> assertThat(e.problems()).containsExactly(
                        "--war " + dir.resolve("missing.war") + ": no such file or directory: " + dir.resolve("missing.war"),
                        "--war " + notZip + ": not a WAR (zip) file: " + notZip,
                        "--listen localhost:http: port 'http' is not a number",
                        "--listen :70000: port must be 0..65535, got 70000",
                        "--listen no-such-host.invalid:80: unknown host 'no-such-host.invalid'",
                        "--static " + dir.resolve("nope") + ": no such directory: " + dir.resolve("nope")));
    }

    @Test
    void two_things_at_one_path_is_an_error_naming_both() throws Exception {
        Path a = war("shop.war");
        Path site = Files.createDirectories(dir.resolve("site"));
        assertThatThrownBy(() -> new PlanBuilder().war(a.toString()).staticDir(site + ":/shop", false).build())
                .isInstanceOf(ConfigError.class)
                .hasMessage("--static " + site + ":/shop: path /shop is already served by --war " + a);
    }

    @Test
    void ipv6_without_brackets_is_refused_with_a_hint() {
        assertThatThrownBy(() -> new PlanBuilder().listen("::1:8080").build())
                .hasMessage("--listen ::1:8080: write IPv6 addresses in brackets, e.g. [::1]:8080");
    }

    private Path config(String text) throws Exception {
        Files.createDirectories(dir.resolve("site"));
        return Files.writeString(dir.resolve("container.conf"), text);
    }

    @Test
    void listen_flag_replaces_the_files_listeners() throws Exception {
        Path conf = config("listeners = [\":9000\", \":9001\"]\nstatic = [site]\n");
        var plan = new PlanBuilder().configFile(conf).listen("127.0.0.1:9100").listen("127.0.0.1:9101").build();
        assertThat(plan.listeners()).containsExactly(new ListenerSpec("127.0.0.1", 9100), new ListenerSpec("127.0.0.1", 9101));
        assertThat(new PlanBuilder().configFile(conf).build().listeners())
                .containsExactly(new ListenerSpec("0.0.0.0", 9000), new ListenerSpec("0.0.0.0", 9001));
    }

    @Test
    void state_flag_wins_over_the_file() throws Exception {
        Path conf = config("state-dir = from-file\nshutdown-timeout = 3s\n");
        var plan = new PlanBuilder().configFile(conf).stateDir(dir.resolve("from-flag")).build();
        assertThat(plan.stateDir()).isEqualTo(dir.resolve("from-flag"));
        assertThat(plan.shutdownTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
    }

    @Test
    void log_format_flag_wins_over_the_file_and_keeps_its_other_logging_settings() throws Exception {
        Path conf = config("static = [site]\nlogging { level = debug, format = text, access-log.enabled = true }\n");
        var plan = new PlanBuilder().configFile(conf).logFormat("JSON").build();
        assertThat(plan.logging().format()).isEqualTo(LogFormat.JSON);
        assertThat(plan.logging().level()).isEqualTo("debug");
        assertThat(plan.logging().accessLog()).isPresent();
        assertThat(new PlanBuilder().configFile(conf).build().logging().format()).isEqualTo(LogFormat.TEXT);
    }

    @Test
    void unknown_log_format_flag_names_the_formats() {
        assertThatThrownBy(() -> new PlanBuilder().staticDir(dir.toString(), false).logFormat("yaml").build())
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("--log-format yaml: expected one of text, json");
    }

    @Test
    void war_and_static_flags_add_to_the_files_default_host() throws Exception {
        Path conf = config("""
                hosts { main { default = true }, other { names = [other.test] } }
                static = [{ dir = site, hosts = [other] }]
                """);
        var plan = new PlanBuilder().configFile(conf).war(war("shop.war").toString()).staticDir(dir.resolve("site").toString(), false).build();
        assertThat(plan.appsOn(plan.defaultHost())).extracting(AppSpec::contextPath).containsExactly("/shop");
        assertThat(plan.staticsOn(plan.defaultHost())).extracting(StaticSpec::prefix).containsExactly("/");
        assertThat(plan.statics()).hasSize(2);
    }

    @Test
    void flag_claiming_a_path_the_file_serves_on_the_default_host_is_an_error() throws Exception {
        Path conf = config("static = [site]\n");
        assertThatThrownBy(() -> new PlanBuilder().configFile(conf).staticDir(dir.resolve("site").toString(), false).build())
                .hasMessage("--static " + dir.resolve("site") + ": path / is already served by a static mount in " + conf);
    }

    @Test
    void domain_gives_the_default_host_acme_certificates_on_80_and_443_with_the_terms_agreed() throws Exception {
        var plan = new PlanBuilder().war(war("ROOT.war").toString()).domain("Example.com").domain("www.example.com")
                .email("me@example.com").build();

        assertThat(plan.defaultHost().names()).containsExactly("example.com", "www.example.com");
        assertThat(plan.defaultHost().tls()).isEqualTo(HostTls.AUTO);
        assertThat(plan.listeners()).containsExactly(new ListenerSpec(PlanBuilder.ANY_HOST, 80),
                new ListenerSpec(PlanBuilder.ANY_HOST, 443, true));
        assertThat(plan.acme().agreeTerms()).isTrue();
        assertThat(plan.acme().email()).contains("me@example.com");
        assertThat(plan.acme().directory()).isEqualTo(AcmeSpec.LETSENCRYPT);
    }

    @Test
    void domain_keeps_the_listeners_given_and_needs_an_https_one() throws Exception {
        var plan = new PlanBuilder().war(war("ROOT.war").toString()).listen(":8080").https(":8443").domain("example.com")
                .build();

        assertThat(plan.listeners()).extracting(ListenerSpec::port).containsExactly(8080, 8443);
        assertThatThrownBy(() -> new PlanBuilder().war(war("a.war").toString()).listen(":8080").domain("example.com").build())
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("--domain needs an HTTPS listener to serve its certificate: add --https :443");
    }

    @Test
    void domain_refuses_wildcards_ip_addresses_and_bad_emails() throws Exception {
        assertThatThrownBy(() -> new PlanBuilder().war(war("a.war").toString()).domain("*.example.com").domain("10.0.0.1")
                .email("me").build())
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("--domain *.example.com: '*.example.com' is a wildcard")
                .hasMessageContaining("--domain 10.0.0.1: '10.0.0.1' is an IP address")
                .hasMessageContaining("--email me: expected an email address");
    }

    @Test
    void metrics_flag_gives_a_loopback_listener_or_turns_metrics_off() throws Exception {
        Path site = Files.createDirectories(dir.resolve("site"));
        assertThat(new PlanBuilder().staticDir(site.toString(), false).build().metrics()).isEqualTo(MetricsSpec.DEFAULT);
        assertThat(new PlanBuilder().staticDir(site.toString(), false).metrics("127.0.0.1:9100").build().metrics().listen())
                .contains(new ListenerSpec("127.0.0.1", 9100));
        assertThat(new PlanBuilder().staticDir(site.toString(), false).metrics("off").build().metrics())
                .isEqualTo(MetricsSpec.OFF);
    }

    @Test
    void metrics_flag_off_the_loopback_needs_a_token_from_the_file_or_the_environment() throws Exception {
        Path site = Files.createDirectories(dir.resolve("site"));
        assertThatThrownBy(() -> new PlanBuilder().staticDir(site.toString(), false).metrics("0.0.0.0:9100").build())
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("--metrics 0.0.0.0:9100: not a loopback address")
                .hasMessageContaining("CONTAINER_METRICS_TOKEN");
        assertThatThrownBy(() -> new PlanBuilder().staticDir(site.toString(), false).metricsToken("short").build())
                .isInstanceOf(ConfigError.class).hasMessageContaining("at least 32 characters");
        String token = "0123456789abcdef0123456789abcdef";
        var plan = new PlanBuilder().staticDir(site.toString(), false).metrics("0.0.0.0:9100").metricsToken(token).build();
        assertThat(plan.metrics().token()).contains(token);
        assertThat(plan.metrics().listen()).contains(new ListenerSpec("0.0.0.0", 9100));
        Path conf = config("static = [site]\nmetrics { token = \"" + token + "\" }\n");
        assertThat(new PlanBuilder().configFile(conf).metrics("[::]:9100").build().metrics().listen())
                .contains(new ListenerSpec("::", 9100));
    }
}
