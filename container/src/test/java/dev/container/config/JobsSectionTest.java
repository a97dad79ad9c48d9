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

/** The jobs section's short and long forms become the JobSpecs they say. */
class JobsSectionTest {
    @TempDir
    Path dir;

    private Plan load(String text) throws Exception {
        Path file = dir.resolve("jobs.conf");
        Files.writeString(file, text);
        return ConfigFile.load(file);
    }

    @Test
    void short_forms() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        Plan plan = load("""
                static = [site]
                jobs {
                  ping { every = 30s, http = /health }
                  post { every = 1m, delay = 5s, http = "POST /hook" }
                  tidy { cron = "@daily", command = [find, ., -name, "*.tmp", -delete] }
                  count { every = 1s, class = dev.container.jobs.CountingJob }
                }
                """);
        assertThat(plan.jobs()).containsExactly(
                new JobSpec("ping", new JobSpec.Every(Duration.ofSeconds(30), Duration.ZERO),
                        new JobSpec.CallHttp("GET", "/health", Optional.empty(), List.of(), ""),
                        JobsSection.DEFAULT_TIMEOUT, JobsSection.DEFAULT_JITTER, JobsSection.DEFAULT_HISTORY),
                new JobSpec("post", new JobSpec.Every(Duration.ofMinutes(1), Duration.ofSeconds(5)),
                        new JobSpec.CallHttp("POST", "/hook", Optional.empty(), List.of(), ""),
                        JobsSection.DEFAULT_TIMEOUT, JobsSection.DEFAULT_JITTER, JobsSection.DEFAULT_HISTORY),
                new JobSpec("tidy", new JobSpec.Cron("@daily", "0 0 0 * * ?"),
                        new JobSpec.RunCommand(List.of("find", ".", "-name", "*.tmp", "-delete"), Optional.empty(), Map.of()),
                        JobsSection.DEFAULT_TIMEOUT, JobsSection.DEFAULT_JITTER, JobsSection.DEFAULT_HISTORY),
                new JobSpec("count", new JobSpec.Every(Duration.ofSeconds(1), Duration.ZERO),
                        new JobSpec.RunClass("dev.container.jobs.CountingJob", Optional.empty(), Optional.empty(), List.of(), Map.of()),
                        JobsSection.DEFAULT_TIMEOUT, JobsSection.DEFAULT_JITTER, JobsSection.DEFAULT_HISTORY));
    }

    @Test
    void long_forms_with_every_key() throws Exception {
        Files.createDirectories(dir.resolve("work"));
        Plan plan = load("""
                hosts { main { default = true }, api { names = [api.example] } }
                apps = [{ war = "%s", path = /shop, hosts = [api] }]
                jobs {
                  call {
                    cron = "0/10 * * * * ?", timeout = 20s, jitter = 2s, history = 3
                    http { method = PUT, path = "/shop/x?y=1", host = api, headers { X-A = b }, body = "{}" }
                  }
                  run { every = 1h, command { argv = [./x.sh], dir = work, env { A = "1" } } }
                  code { every = 1h, class { name = samples.servlet.JobTick, app = "api:/shop", data { k = v } } }
                }
                """.formatted(dev.container.testing.Samples.servletWar()));
        assertThat(plan.jobs().get(0)).isEqualTo(new JobSpec("call", new JobSpec.Cron("0/10 * * * * ?", "0/10 * * * * ?"),
                new JobSpec.CallHttp("PUT", "/shop/x?y=1", Optional.of("api"), List.of(new Header("X-A", "b")), "{}"),
                Duration.ofSeconds(20), Duration.ofSeconds(2), 3));
        assertThat(plan.jobs().get(1).action()).isEqualTo(
                new JobSpec.RunCommand(List.of("./x.sh"), Optional.of(dir.resolve("work")), Map.of("A", "1")));
        assertThat(plan.jobs().get(2).action()).isEqualTo(new JobSpec.RunClass("samples.servlet.JobTick",
                Optional.of("/shop"), Optional.of("api"), List.of(), Map.of("k", "v")));
    }

    @Test
    void admin_off_and_elsewhere_on_the_loopback() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        assertThat(load("static = [site]\nadmin = off").admin()).isEmpty();
        assertThat(load("static = [site]\nadmin = false").admin()).isEmpty();
        assertThat(load("static = [site]\nadmin = \"127.0.0.1:9901\"").admin()).contains(new ListenerSpec("127.0.0.1", 9901));
        assertThat(load("static = [site]").admin()).contains(JobsSection.DEFAULT_ADMIN);
    }

    @Test
    void admin_on_any_loopback_form_is_accepted() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        assertThat(load("static = [site]\nadmin = \"[::1]:9901\"").admin()).contains(new ListenerSpec("::1", 9901));
        assertThat(load("static = [site]\nadmin = \"localhost:9901\"").admin()).contains(new ListenerSpec("localhost", 9901));
    }

    @Test
    void admin_elsewhere_than_the_loopback_is_refused_with_its_line_and_why() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        for (String address : List.of("0.0.0.0:9901", "[::]:9901", "192.0.2.10:9901", ":9901")) {
            assertThatThrownBy(() -> load("static = [site]\n\nadmin = \"" + address + "\""))
                    .as(address)
                    .isInstanceOf(ConfigError.class)
                    .hasMessageContaining("jobs.conf:3: admin: '" + address + "' is not a loopback address: the admin"
                            + " channel has no TLS yet, so it listens on a loopback address only");
        }
    }

    @Test
    void admin_flag_elsewhere_than_the_loopback_is_refused_and_says_why() {
        assertThatThrownBy(() -> new PlanBuilder().staticDir(dir.toString(), false).admin("0.0.0.0:9901").build())
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("--admin 0.0.0.0:9901: not a loopback address: the admin channel has no TLS yet");
    }
}
