package dev.container.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Valid files read into the plan they describe. */
class ConfigFileTest {
    @TempDir
    Path dir;

    private Plan load(String text) throws Exception {
        return ConfigFile.load(Files.writeString(dir.resolve("container.conf"), text));
    }

    @Test
    void empty_file_gets_every_default() throws Exception {
        Plan plan = load("# nothing\n");
        assertThat(plan.listeners()).containsExactly(new ListenerSpec("0.0.0.0", 8080));
        assertThat(plan.stateDir()).isEqualTo(dir.resolve("state"));
        assertThat(plan.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(plan.hosts()).containsExactly(HostSpec.DEFAULT);
        assertThat(plan.limits()).isEqualTo(PlanBuilder.DEFAULT_LIMITS);
        assertThat(plan.logging()).isEqualTo(PlanBuilder.DEFAULT_LOGGING);
        assertThat(plan.logins()).isEqualTo(new LoginsSpec(5, Duration.ofMinutes(5)));
        assertThat(plan.apps()).isEmpty();
        assertThat(plan.statics()).isEmpty();
    }

    @Test
    void relative_paths_are_relative_to_the_file_not_the_working_directory() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        Plan plan = load("static = [site]\nstate-dir = var/state\n");
        assertThat(plan.statics().get(0).root()).isEqualTo(dir.resolve("site"));
        assertThat(plan.stateDir()).isEqualTo(dir.resolve("var/state"));
    }

    @Test
    void durations_and_sizes_read_as_people_write_them() throws Exception {
        Plan plan = load("""
                shutdown-timeout = 4s
                limits {
                  max-request-body = 10MiB
                  max-header-size = 16KiB
                  idle-timeout = 2m
                  request-timeout = 500ms
                  max-connections = 500
                  http2-max-concurrent-streams = 64
                  max-request-line = 4KiB
                  max-headers = 50
                  body-timeout = 10s
                  body-min-rate = 0B
                  write-timeout = 45s
                }
                """);
        assertThat(plan.shutdownTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(plan.limits()).isEqualTo(new Limits(10L * 1024 * 1024, 16 * 1024, Duration.ofMinutes(2),
                Duration.ofMillis(500), 500, 64, 4 * 1024, 50, Duration.ofSeconds(10), 0,
                Duration.ofSeconds(45)));
    }

    @Test
    void logins_section_sets_the_lockout_and_0_failures_turns_it_off() throws Exception {
        assertThat(load("logins { lockout-failures = 10, lockout-time = 15m }\n").logins())
                .isEqualTo(new LoginsSpec(10, Duration.ofMinutes(15)));
        assertThat(load("logins { lockout-time = 30s }\n").logins()).isEqualTo(new LoginsSpec(5, Duration.ofSeconds(30)));
        LoginsSpec off = load("logins { lockout-failures = 0 }\n").logins();
        assertThat(off.lockout()).isFalse();
    }

    @Test
    void flags_keep_the_files_logins_section() throws Exception {
        Path conf = Files.writeString(dir.resolve("with-logins.conf"), "logins { lockout-failures = 3 }\n");
        Plan plan = new PlanBuilder().configFile(conf).listen("127.0.0.1:0").build();
        assertThat(plan.logins()).isEqualTo(new LoginsSpec(3, Duration.ofMinutes(5)));
    }

    @Test
    void environment_variables_substitute_and_optional_ones_keep_the_default() throws Exception {
        String home = System.getenv("HOME");
        Plan plan = load("""
                static = [{ dir = ${HOME}, prefix = /home }]
                shutdown-timeout = 5s
                shutdown-timeout = ${?CONTAINER_TEST_SURELY_UNSET}
                """);
        assertThat(plan.statics().get(0).root()).isEqualTo(Path.of(home).toAbsolutePath().normalize());
        assertThat(plan.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void listeners_are_strings_or_objects() throws Exception {
        Plan plan = load("""
                listeners = [":9000", "127.0.0.1:9001", "[::1]:9002", { host = "127.0.0.1", port = 9003 }, { port = 9004 }]
                """);
        assertThat(plan.listeners()).containsExactly(new ListenerSpec("0.0.0.0", 9000),
                new ListenerSpec("127.0.0.1", 9001), new ListenerSpec("::1", 9002),
                new ListenerSpec("127.0.0.1", 9003), new ListenerSpec("0.0.0.0", 9004));
    }

    @Test
    void https_listeners_take_the_certificates_of_the_file() throws Exception {
        Files.writeString(dir.resolve("site.crt"), "pem");
        Files.writeString(dir.resolve("site.key"), "pem");
        Plan plan = load("""
                listeners = [":8080", { port = 8443, tls = true }]
                certificates = [{ cert = site.crt, key = site.key }]
                """);
        assertThat(plan.listeners()).containsExactly(new ListenerSpec("0.0.0.0", 8080),
                new ListenerSpec("0.0.0.0", 8443, true));
        assertThat(plan.certs()).containsExactly(new CertSpec(dir.resolve("site.crt"), dir.resolve("site.key")));
    }

    @Test
    void an_https_listener_without_certificates_or_a_missing_file_is_a_problem_at_its_line() throws Exception {
        assertThatThrownBy(() -> load("""
                listeners = [{ port = 8443, tls = true }]
                """)).isInstanceOf(ConfigError.class)
                .hasMessageContaining(":1: listeners: a listener with tls = true needs certificates = [{ cert = FILE, key = FILE }]");
        assertThatThrownBy(() -> load("""
                listeners = [{ port = 8443, tls = true }]
                certificates = [
                  { cert = nope.crt, key = nope.key }
                ]
                """)).isInstanceOf(ConfigError.class)
                .hasMessageContaining(":3: certificates[0].cert: no such file: " + dir.resolve("nope.crt"));
    }

    @Test
    void a_health_path_is_a_path_of_its_own_on_its_host() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        Plan plan = load("""
                hosts { main { default = true, health-path = /healthz } }
                static = [site]
                """);
        assertThat(plan.hosts().get(0).healthPath()).hasValue("/healthz");
        assertThatThrownBy(() -> load("""
                hosts { main { default = true, health-path = / } }
                """)).isInstanceOf(ConfigError.class)
                .hasMessageContaining(":1: hosts.main.health-path: expected a path of its own such as /healthz, not /");
        assertThatThrownBy(() -> load("""
                hosts { main { default = true, health-path = /status } }
                static = [{ dir = site, prefix = /status }]
                """)).isInstanceOf(ConfigError.class)
                .hasMessageContaining(":2: static[0]: path /status is already served by health-path hosts.main.health-path");
    }

    @Test
    void apps_and_mounts_are_strings_or_objects_on_the_hosts_they_name() throws Exception {
        Path blog = Files.createDirectories(dir.resolve("blog"));
        Files.createDirectories(dir.resolve("site"));
        Plan plan = load("""
                hosts {
                  main { names = [Example.COM.], default = true }
                  shop { names = ["*.shop.example.com"], headers { X-Frame-Options = DENY }, hsts { max-age = 30d } }
                }
                apps = [
                  blog
                  { war = blog, path = /store, hosts = [shop], context-params { mode = live, retries = 3 } }
                ]
                static = [{ dir = site, prefix = /files, hosts = [main, shop], listing = yes, max-age = 1h }]
                """);
        assertThat(plan.hosts()).containsExactly(
                new HostSpec("main", List.of("example.com"), true, List.of(), Optional.empty()),
                new HostSpec("shop", List.of("*.shop.example.com"), false, List.of(new Header("X-Frame-Options", "DENY")),
                        Optional.of(new Hsts(Duration.ofDays(30), false, false))));
        assertThat(plan.apps()).containsExactly(
                new AppSpec(blog, "/blog", true),
                new AppSpec(blog, "/store", true, List.of("shop"), Map.of("mode", "live", "retries", "3")));
        assertThat(plan.statics()).containsExactly(new StaticSpec(dir.resolve("site"), "/files", true,
                List.of("main", "shop"), Optional.of(Duration.ofHours(1))));
        assertThat(plan.appsOn(plan.hosts().get(1))).extracting(AppSpec::contextPath).containsExactly("/store");
        assertThat(plan.apps().get(1).name()).isEqualTo("shop~store");
    }

    @Test
    void each_app_has_its_share_of_the_workers_by_default_or_as_written() throws Exception {
        Path blog = Files.createDirectories(dir.resolve("blog"));
        Plan plan = load("""
                apps = [
                  blog
                  { war = blog, path = /busy, max-requests = 8, max-queued = 0 }
                ]
                """);
        assertThat(plan.apps()).extracting(AppSpec::limits).containsExactly(AppLimits.DEFAULT, new AppLimits(8, 0));
        assertThat(AppLimits.DEFAULT).isEqualTo(new AppLimits(200, 1000));
    }

    @Test
    void javax_wars_are_migrated_unless_an_app_says_migrate_false() throws Exception {
        Path blog = Files.createDirectories(dir.resolve("blog"));
        Plan plan = load("""
                apps = [
                  blog
                  { war = blog, path = /legacy, migrate = false }
                ]
                """);
        assertThat(plan.apps()).extracting(AppSpec::migrate).containsExactly(true, false);
        assertThatThrownBy(() -> load("""
                apps = [
                  { war = blog, migrate = sometimes }
                ]
                """)).isInstanceOf(ConfigError.class)
                .hasMessageContaining(":2: apps[0].migrate: expected true or false");
    }

    @Test
    void an_apps_datasources_are_read_with_hikaris_defaults_and_its_password_is_never_shown() throws Exception {
        Path blog = Files.createDirectories(dir.resolve("blog"));
        Path driver = Files.write(dir.resolve("driver.jar"), new dev.container.testing.WarBuilder().file("x", "x").buildJar());
        Plan plan = load("""
                apps = [
                  { war = blog, jars = [driver.jar], resources {
                      jdbc/shop { type = datasource, url = "jdbc:postgresql://db/shop?ssl=true", user = shop, password = s3cret, pool { max = 4 } }
                      "jdbc/audit" {
                        type = DataSource
                        url = "jdbc:h2:mem:audit"
                        pool { min-idle = 0, connection-timeout = 1s, idle-timeout = 0s, max-lifetime = 1h }
                      }
                  } }
                  blog-too
                ]
                """.replace("blog-too", "{ war = blog, path = /plain }"));

        AppResources resources = plan.apps().get(0).resources();
        assertThat(resources.jars()).containsExactly(driver);
        assertThat(resources.declaredAt()).map(Origin::line).contains(2);
        assertThat(resources.dataSources()).containsExactly(
                new DataSourceSpec("jdbc/shop", "jdbc:postgresql://db/shop?ssl=true", Optional.of("shop"), Optional.of("s3cret"),
                        Optional.empty(), new DataSourceSpec.Pool(4, 4, Duration.ofSeconds(30), Duration.ofMinutes(10),
                        Duration.ofMinutes(30)), new Origin("any", 3)),
                new DataSourceSpec("jdbc/audit", "jdbc:h2:mem:audit", Optional.empty(), Optional.empty(), Optional.empty(),
                        new DataSourceSpec.Pool(10, 0, Duration.ofSeconds(1), Duration.ZERO, Duration.ofHours(1)),
                        new Origin("any", 4)));
        assertThat(resources.dataSources()).extracting(d -> d.origin().line()).containsExactly(3, 4);
        assertThat(plan.apps().get(1).resources()).isEqualTo(AppResources.NONE);
        assertThat(plan.toString()).contains("jdbc/shop", "password=(set)", "url=jdbc:postgresql:...")
                .doesNotContain("s3cret", "ssl=true");
    }

    @Test
    void a_lone_host_is_the_default() throws Exception {
        Plan plan = load("hosts { only { names = [example.com] } }\n");
        assertThat(plan.defaultHost().id()).isEqualTo("only");
    }

    @Test
    void same_path_on_two_hosts_is_two_apps() throws Exception {
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        Plan plan = load("""
                hosts { one { names = [one.test], default = true }, two { names = [two.test] } }
                apps = [{ war = a, path = /, hosts = [one] }, { war = b, path = /, hosts = [two] }]
                """);
        assertThat(plan.apps()).extracting(AppSpec::name).containsExactly("one~ROOT", "two~ROOT");
    }

    @Test
    void includes_are_read_relative_to_the_including_file() throws Exception {
        Files.writeString(dir.resolve("limits.conf"), "limits { max-connections = 7 }\n");
        Plan plan = load("include \"limits.conf\"\n");
        assertThat(plan.limits().maxConnections()).isEqualTo(7);
    }

    @Test
    void logging_format_and_access_log_rotation_by_size_with_retention() throws Exception {
        Plan plan = load("""
                logging {
                  format = json
                  access-log { enabled = true, file = logs/a.log, format = json, rotate = never, max-size = 100MiB, max-files = 10 }
                }
                """);
        assertThat(plan.logging().format()).isEqualTo(LogFormat.JSON);
        assertThat(plan.logging().accessLog()).contains(new AccessLogSpec(dir.resolve("logs/a.log"), "json", false,
                java.util.OptionalLong.of(100L * 1024 * 1024), java.util.OptionalInt.of(10)));
    }

    @Test
    void access_log_defaults_to_daily_rotation_no_size_limit_and_every_file_kept() throws Exception {
        Plan plan = load("logging.access-log.enabled = true\n");
        assertThat(plan.logging().format()).isEqualTo(LogFormat.TEXT);
        assertThat(plan.logging().accessLog()).contains(new AccessLogSpec(dir.resolve("logs/access.log"), "combined", true));
    }

    @Test
    void metrics_are_on_by_default_off_with_off_and_get_a_listener_with_a_token() throws Exception {
        assertThat(load("# nothing\n").metrics()).isEqualTo(MetricsSpec.DEFAULT);
        assertThat(load("metrics = off\n").metrics()).isEqualTo(MetricsSpec.OFF);
        assertThat(load("metrics { enabled = false }\n").metrics()).isEqualTo(MetricsSpec.OFF);
        assertThat(load("metrics { listen = \"127.0.0.1:9100\" }\n").metrics())
                .isEqualTo(new MetricsSpec(true, Optional.of(new ListenerSpec("127.0.0.1", 9100)), Optional.empty()));
        String token = "0123456789abcdef0123456789abcdef";
        MetricsSpec open = load("metrics { listen = \"0.0.0.0:9100\", token = \"" + token + "\" }\n").metrics();
        assertThat(open).isEqualTo(new MetricsSpec(true, Optional.of(new ListenerSpec("0.0.0.0", 9100)), Optional.of(token)));
        assertThat(open.toString()).doesNotContain(token);
    }
}
