package dev.container.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** conf/demo.conf, what scripts/demo runs, validates clean (DemoIT runs it). */
class DemoConfigTest {
    @Test
    void demo_config_validates_with_five_apps_the_site_and_its_jobs() {
        Plan plan = ConfigFile.load(Path.of(System.getProperty("conf.dir"), "demo.conf"));
        assertThat(plan.apps()).extracting(AppSpec::contextPath).containsExactly("/servlet", "/jaxrs", "/spring", "/boot", "/faces");
        assertThat(plan.statics()).extracting(StaticSpec::prefix).containsExactly("/", "/generated");
        assertThat(plan.jobs()).extracting(JobSpec::name).containsExactly("clock", "tick", "boot-status");
        assertThat(plan.listeners()).extracting(ListenerSpec::port, ListenerSpec::tls)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(8080, false), org.assertj.core.groups.Tuple.tuple(8443, true));
        assertThat(plan.defaultHost().tls()).isEqualTo(HostTls.LOCAL);
        assertThat(plan.jobs().get(0).schedule()).isEqualTo(new JobSpec.Every(java.time.Duration.ofSeconds(4), java.time.Duration.ZERO));
    }
}
