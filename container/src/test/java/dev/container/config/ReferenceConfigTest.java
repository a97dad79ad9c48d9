package dev.container.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * conf/container.conf, the annotated reference: it validates clean (its sample WARs are built by
 * the reactor before these tests), it sets every key the loader knows, and where it shows a
 * setting that has a default, it shows that default.
 */
class ReferenceConfigTest {
    static Path reference() {
        String dir = System.getProperty("conf.dir");
        if (dir == null) {
            throw new IllegalStateException("system property conf.dir is not set: run the tests through Maven");
        }
        return Path.of(dir, "container.conf").toAbsolutePath().normalize();
    }

    @Test
    void reference_validates_clean() {
        Plan plan = ConfigFile.load(reference());
        assertThat(plan.hosts()).extracting(HostSpec::id).containsExactly("main", "api");
        assertThat(plan.apps()).hasSize(3);
        assertThat(plan.statics()).hasSize(2);
        assertThat(plan.jobs()).extracting(JobSpec::name).containsExactly("warm-up", "disk-usage", "tick");
        assertThat(plan.apps()).allSatisfy(app -> assertThat(app.users()).as("users of %s", app.contextPath()).isPresent());
    }

    /**
     * The keys of storage { type = postgres }, which the reference (a one-machine server) shows
     * commented out, each on a line of its own: the line that shows it, by section and key.
     */
    private static final Map<String, Map<String, String>> COMMENTED = Map.of(
            "storage", Map.of("url", "# url = ", "user", "# user = ", "password", "# password = ",
                    "key-file", "# key-file = ", "pool", "# pool { ", "node", "# node = "),
            "storage.pool", Map.of("max", "# pool { max = "));

    @Test
    void reference_sets_every_key_of_the_config_model() throws Exception {
        ConfigObject root = ConfigFactory.parseFile(reference().toFile()).resolve().root();
        Map<String, Set<String>> found = new HashMap<>();
        collect(root, "", found);
        String text = java.nio.file.Files.readString(reference());
        for (var section : COMMENTED.entrySet()) {
            for (var key : section.getValue().entrySet()) {
                assertThat(text.lines().map(String::strip)).as("conf/container.conf shows %s.%s commented out",
                        section.getKey(), key.getKey()).anyMatch(line -> line.startsWith(key.getValue()));
                found.computeIfAbsent(section.getKey(), s -> new TreeSet<>()).add(key.getKey());
            }
        }
        for (var section : ConfigFile.KEYS.entrySet()) {
            assertThat(found.getOrDefault(section.getKey(), Set.of()))
                    .as("keys of section '%s' set in conf/container.conf", section.getKey())
                    .containsExactlyInAnyOrderElementsOf(section.getValue());
        }
        assertThat(found.keySet()).as("sections of conf/container.conf").containsExactlyInAnyOrderElementsOf(ConfigFile.KEYS.keySet());
    }

    @Test
    void reference_shows_the_defaults_where_a_setting_has_one() {
        Plan plan = ConfigFile.load(reference());
        assertThat(plan.limits()).isEqualTo(PlanBuilder.DEFAULT_LIMITS);
        assertThat(plan.logging()).isEqualTo(PlanBuilder.DEFAULT_LOGGING);
        assertThat(plan.shutdownTimeout()).isEqualTo(PlanBuilder.DEFAULT_SHUTDOWN_TIMEOUT);
        assertThat(plan.tlsProvider()).isEqualTo(TlsProvider.AUTO);
        assertThat(plan.logins()).isEqualTo(LoginsSpec.DEFAULT);
        assertThat(plan.tlsProfile()).isEqualTo(TlsProfile.INTERMEDIATE);
        if (System.getenv("CONTAINER_PORT") == null) {
            assertThat(plan.listeners()).containsExactly(new ListenerSpec(PlanBuilder.ANY_HOST, PlanBuilder.DEFAULT_PORT));
        }
        if (System.getenv("CONTAINER_STATE") == null) {
            assertThat(plan.stateDir()).isEqualTo(reference().resolveSibling(PlanBuilder.DEFAULT_STATE_DIR));
        }
        HostSpec main = plan.hosts().get(0);
        assertThat(main.hsts()).contains(new Hsts(ConfigFile.DEFAULT_HSTS_MAX_AGE, false, false));
        assertThat(plan.statics().get(1).maxAge()).contains(Duration.ZERO);
        JobSpec warmUp = plan.jobs().get(0);
        assertThat(warmUp.timeout()).isEqualTo(JobsSection.DEFAULT_TIMEOUT);
        assertThat(warmUp.jitter()).isEqualTo(JobsSection.DEFAULT_JITTER);
        assertThat(warmUp.history()).isEqualTo(JobsSection.DEFAULT_HISTORY);
        assertThat(warmUp.schedule()).isEqualTo(new JobSpec.Every(Duration.ofHours(1), JobsSection.DEFAULT_DELAY));
        assertThat(plan.admin()).contains(JobsSection.DEFAULT_ADMIN);
        assertThat(plan.metrics()).isEqualTo(MetricsSpec.DEFAULT);
        assertThat(plan.storage()).isEqualTo(StorageSpec.FILES);
        assertThat(plan.apps().get(0).resources().dataSources()).singleElement()
                .satisfies(d -> assertThat(d.pool()).isEqualTo(DataSourceSpec.Pool.DEFAULT));
        assertThat(plan.apps().get(0).resources().jars()).isEmpty();
    }

    /** Records the keys set in each section, by the section names ConfigFile.KEYS uses. */
    private static void collect(ConfigObject object, String section, Map<String, Set<String>> found) {
        Set<String> keys = found.computeIfAbsent(section, s -> new TreeSet<>());
        for (var entry : object.entrySet()) {
            String key = entry.getKey();
            ConfigValue value = entry.getValue();
            keys.add(key);
            String child = section.isEmpty() ? key : section + "." + key;
            if (child.equals("hosts") || child.equals("jobs") || child.equals("apps[].resources")) {
                ((ConfigObject) value).values().forEach(each -> collect((ConfigObject) each, child + ".*", found));
            } else if (child.equals("hosts.*.headers") || child.equals("apps[].context-params") || child.equals("apps[].env-entries")
                    || child.equals("jobs.*.http.headers") || child.equals("jobs.*.command.env") || child.equals("jobs.*.class.data")) {
                continue; // the user's own names
            } else if (value instanceof ConfigObject o) {
                collect(o, child, found);
            } else if (value instanceof ConfigList list) {
                for (ConfigValue element : list) {
                    if (element instanceof ConfigObject o) {
                        collect(o, child + "[]", found);
                    }
                }
            }
        }
    }
}
