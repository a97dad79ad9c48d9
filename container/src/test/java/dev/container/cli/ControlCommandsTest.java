package dev.container.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.container.testing.TestServer;
import dev.container.testing.ControlApps;
import dev.container.tls.TestCerts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that talk to a running server (status, apps, redeploy, reload, stop, jobs, certs), against a real one. */
class ControlCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    record Result(int status, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    private Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--state", dir.resolve("state").toString()));
        int status = ContainerCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        return new Result(status, out.toString(), err.toString());
    }

    private Path war(String name, String text) throws Exception {
        return ControlApps.hello(dir.resolve(name + ".war"), text);
    }

    private Path brokenWar(String name) throws Exception {
        return ControlApps.broken(dir.resolve(name + ".war"));
    }

    private Path config(String apps) throws Exception {
        Path config = dir.resolve("container.conf");
        Files.writeString(config, """
                listeners = [{ host = 127.0.0.1, port = 0 }]
                state-dir = state
                apps = %s
                jobs { tick { every = 1h, delay = 1h, command { argv = [true] } } }
                """.formatted(apps));
        return config;
    }

    @Test
    void status_shows_the_server_at_a_glance_and_as_json() throws Exception {
        war("shop", "shop");
        server = TestServer.startConfig(config("[shop.war]"));

        Result status = cli("status");

        assertThat(status.status()).as(status.err()).isZero();
        assertThat(status.out()).startsWith("container ").contains("pid " + ProcessHandle.current().pid())
                .containsPattern("config: +" + java.util.regex.Pattern.quote(dir.resolve("container.conf").toString())
                        + " \\(generation 0\\)")
                .containsPattern("ready: +yes")
                .containsPattern("listeners: +" + java.util.regex.Pattern.quote(server.uri("/").toString()) + " \\(h1\\)")
                .containsPattern("apps: +1 \\(1 running\\)")
                .containsPattern("jobs: +1")
                .containsPattern("last reload: +none")
                .containsPattern("SERVICE +STATE +DETAIL\n+apps +running +1 app\\(s\\): 1 running")
                .containsPattern("\nlisteners +running +1 listener open\n");
        Result json = cli("status", "--json");
        assertThat(json.json().path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void apps_lists_each_app_and_redeploy_stop_start_steer_one() throws Exception {
        Path shop = war("shop", "first");
        server = TestServer.start(dir.resolve("state"), p -> p.war(shop.toString()));
        server.get("/shop/hello");

        Result apps = cli("apps");

        assertThat(apps.status()).as(apps.err()).isZero();
        assertThat(apps.out().lines().findFirst().orElseThrow())
                .matches("APP +STATE +REQUESTS +4XX +5XX +IN FLIGHT +MEAN +P99 +SOURCE");
        assertThat(apps.out()).containsPattern("/shop +running +\\d+ +0 +0 +0 +[\\d.]+ m?s +[\\d.]+ m?s +"
                + java.util.regex.Pattern.quote(shop.toAbsolutePath().normalize().toString()));
        assertThat(cli("apps", "--json").json().path("apps").get(0).path("id").asText()).isEqualTo("_/shop");

        war("shop", "second");
        Result redeployed = cli("redeploy", "/shop");
        assertThat(redeployed.status()).as(redeployed.err()).isZero();
        assertThat(redeployed.out()).startsWith("/shop: running since ").contains("started in");
        assertThat(server.get("/shop/hello").body()).isEqualTo("second");

        brokenWar("shop");
        Result failed = cli("redeploy", "shop");
        assertThat(failed.status()).isEqualTo(1);
        assertThat(failed.err()).startsWith("container: app /shop: the new version did not start")
                .contains("the running version stays");
        assertThat(server.get("/shop/hello").body()).isEqualTo("second");

        Result stopped = cli("apps", "stop", "/shop");
        assertThat(stopped.out()).isEqualTo("/shop: stopped\n");
        assertThat(server.get("/shop/hello").statusCode()).isEqualTo(503);
        war("shop", "third");
        Result started = cli("apps", "start", "default:/shop");
        assertThat(started.out()).startsWith("/shop: running since ");
        assertThat(server.get("/shop/hello").body()).isEqualTo("third");

        Result unknown = cli("redeploy", "/nope");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("container: no app /nope");
    }

    @Test
    void reload_prints_what_changed_or_the_problems_as_validate_does_and_exits_2() throws Exception {
        war("shop", "shop");
        war("blog", "blog");
        Path config = config("[shop.war]");
        server = TestServer.startConfig(config);
        config("[shop.war, blog.war]");

        Result applied = cli("reload");

        assertThat(applied.status()).as(applied.err()).isZero();
        assertThat(applied.out()).startsWith("reloaded in ").containsPattern("apps started: +/blog")
                .containsPattern("unchanged: +/shop");
        assertThat(server.get("/blog/hello").body()).isEqualTo("blog");

        Files.writeString(config, Files.readString(config).replace("apps =", "apps = [nope.war]\napps2 ="));
        Result refused = cli("reload");

        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.err()).contains(config + ":3: ").contains(config + ":4: apps2")
                .contains("2 problems").contains("reload refused; the running configuration stays");
        StringWriter validateErr = new StringWriter();
        ContainerCommand.commandLine().setErr(new PrintWriter(validateErr)).execute("validate", config.toString());
        assertThat(refused.err()).startsWith(validateErr.toString());
        assertThat(server.get("/blog/hello").body()).isEqualTo("blog");
        assertThat(cli("status").out()).containsPattern("last reload: +refused at .*: 2 problems");
    }

    @Test
    void jobs_pause_and_resume() throws Exception {
        war("shop", "shop");
        server = TestServer.startConfig(config("[shop.war]"));

        Result paused = cli("jobs", "pause", "tick");

        assertThat(paused.status()).as(paused.err()).isZero();
        assertThat(paused.out()).isEqualTo("tick: paused\n");
        assertThat(cli("jobs").out()).containsPattern("tick +every 1h after 1h +paused +never run");
        assertThat(cli("jobs", "show", "tick").out()).contains("next: paused");
        assertThat(cli("jobs", "resume", "tick").out()).startsWith("tick: next run 20");
        assertThat(cli("jobs", "--json").json().path("jobs").get(0).path("paused").asBoolean()).isFalse();
        Result missing = cli("jobs", "pause", "nope");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).startsWith("container: no job named nope");
    }

    @Test
    void certs_lists_what_the_running_server_serves_and_the_state_dir_without_one() throws Exception {
        Result offline = cli("certs");
        assertThat(offline.status()).isZero();
        assertThat(offline.out()).startsWith("no running container found; the ACME certificates stored in ")
                .endsWith(":\nnone\n");

        var cert = TestCerts.write(dir, "site", "EC", "site.test", "www.site.test");
        Path shop = war("shop", "shop");
        server = TestServer.startWith(dir.resolve("state"), p -> p.https("127.0.0.1:0").cert(cert.cert(), cert.key())
                .war(shop.toString()));

        Result online = cli("certs");

        assertThat(online.status()).as(online.err()).isZero();
        assertThat(online.out()).containsPattern("NAME +SOURCE +ISSUER +NOT AFTER +DAYS LEFT +STATE")
                .containsPattern("site\\.test \\(\\+1\\) +files +.+ +" + cert.certificate().getNotAfter().toInstant()
                        + " +\\d+ +valid");
        Result renew = cli("certs", "renew", "site.test");
        assertThat(renew.status()).isEqualTo(1);
        assertThat(renew.err()).contains("is read from files");
    }

    @Test
    void stop_stops_the_server_gracefully_and_waits_for_it() throws Exception {
        Path shop = war("shop", "shop");
        server = TestServer.start(dir.resolve("state"), p -> p.war(shop.toString()));

        Result stopped = cli("stop");

        assertThat(stopped.status()).as(stopped.err()).isZero();
        assertThat(stopped.out()).startsWith("the container at http://127.0.0.1:").endsWith(" stopped\n");
        assertThat(dir.resolve("state/admin.json")).doesNotExist();
    }

    @Test
    void without_a_running_server_each_command_says_where_it_looked_and_exits_1() {
        for (String[] command : new String[][] {{"status"}, {"apps"}, {"reload"}, {"stop"}, {"redeploy", "/shop"},
                {"apps", "stop", "/shop"}, {"jobs", "pause", "tick"}, {"status", "--json"}}) {
            Result result = cli(command);
            assertThat(result.status()).as(String.join(" ", command)).isEqualTo(1);
            assertThat(result.err()).as(String.join(" ", command)).isEqualTo("container: no running container found: "
                    + dir.resolve("state").resolve("admin.json") + " does not exist (is a server running with this state"
                    + " directory, and its admin channel not off?)\n");
        }
    }

    @Test
    void a_table_without_a_header_is_a_list_of_labels_and_values() {
        StringWriter out = new StringWriter();
        new Table("", "").row("state:", "/srv").row("listeners:", "none").print(new PrintWriter(out));

        assertThat(out.toString()).isEqualTo("state:      /srv\nlisteners:  none\n");
    }

    @Test
    void a_table_pads_each_column_to_its_widest_cell() {
        StringWriter out = new StringWriter();
        new Table("A", "LONGER", "LAST").row("wide cell", 1, null).row("x", "yy", "free text").print(new PrintWriter(out));

        assertThat(out.toString()).isEqualTo("""
                A          LONGER  LAST
                wide cell  1       -
                x          yy      free text
                """);
    }
}
