package dev.container.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.container.testing.TestServer;
import dev.container.testing.ControlApps;
import dev.container.tls.TestCerts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control API against a real server: every endpoint, its JSON and its problems. */
class ControlApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** An answer of the API: status, content type and JSON body. */
    record Answer(int status, String contentType, JsonNode json, HttpResponse<String> response) {
    }

    private Answer call(String method, String path) throws Exception {
        return call(method, path, token());
    }

    private Answer call(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(adminUrl().resolve(path)).timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.headers().firstValue("content-type").orElse(""),
                JSON.readTree(response.body()), response);
    }

    private URI adminUrl() throws Exception {
        return URI.create(JSON.readTree(Files.readString(dir.resolve("state/admin.json"))).path("url").asText());
    }

    private String token() throws Exception {
        return JSON.readTree(Files.readString(dir.resolve("state/admin.json"))).path("token").asText();
    }

    private Path war(String name, String text) throws Exception {
        return ControlApps.hello(dir.resolve(name + ".war"), text);
    }

    private Path brokenWar(String name) throws Exception {
        return ControlApps.broken(dir.resolve(name + ".war"));
    }

    private TestServer start(java.util.function.Consumer<dev.container.config.PlanBuilder> plan) {
        server = TestServer.start(dir.resolve("state"), plan);
        return server;
    }

    private static void assertProblem(Answer answer, int status, String slug) {
        assertThat(answer.status()).as(answer.json().toString()).isEqualTo(status);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.json().path("type").asText()).isEqualTo("tag:container,2026:" + slug);
        assertThat(answer.json().path("status").asInt()).isEqualTo(status);
        assertThat(answer.json().path("title").asText()).isNotBlank();
        assertThat(answer.json().path("detail").asText()).isNotBlank().doesNotContain("\n");
    }

    private JsonNode awaitApp(String id, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode app = call("GET", "apps/" + id).json();
        while (!condition.test(app)) {
            assertThat(System.nanoTime()).as("waiting for apps/%s: %s", id, app).isLessThan(deadline);
            Thread.sleep(20);
            app = call("GET", "apps/" + id).json();
        }
        return app;
    }

    @Test
    void every_call_needs_the_token_and_errors_are_problem_json() throws Exception {
        Path shop = war("shop", "shop");
        start(p -> p.war(shop.toString()));

        for (String path : new String[] {"status", "health", "health/live", "health/ready", "apps", "jobs", "certificates",
                "no/such/thing"}) {
            Answer anonymous = call("GET", path, null);
            assertProblem(anonymous, 401, "unauthorized");
            assertThat(anonymous.response().headers().firstValue("www-authenticate")).hasValue("Bearer");
            assertProblem(call("GET", path, "0123"), 401, "unauthorized");
        }
        assertProblem(call("POST", "reload", null), 401, "unauthorized");

        Answer unknown = call("GET", "nope");
        assertProblem(unknown, 404, "no-such-endpoint");
        assertThat(unknown.json().path("detail").asText()).contains("GET /nope").contains("docs/operations.md");
        Answer wrongMethod = call("POST", "status");
        assertProblem(wrongMethod, 405, "method-not-allowed");
        assertThat(wrongMethod.response().headers().firstValue("allow")).hasValue("GET");
        assertProblem(call("GET", "reload"), 405, "method-not-allowed");
        assertThat(call("GET", "health").json().path("status").asText()).isEqualTo("up");
    }

    @Test
    void status_names_the_process_listeners_counts_and_no_reload_yet() throws Exception {
        Path shop = war("shop", "shop");
        start(p -> p.war(shop.toString()).h2c(true).job("tick every 1h after 1h command true"));

        Answer status = call("GET", "status");

        assertThat(status.status()).isEqualTo(200);
        assertThat(status.contentType()).isEqualTo("application/json");
        JsonNode s = status.json();
        assertThat(s.path("version").asText()).isNotBlank();
        assertThat(s.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(Instant.parse(s.path("startedAt").asText())).isBefore(Instant.now());
        assertThat(s.path("uptimeSeconds").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(s.path("configFile").isNull()).isTrue();
        assertThat(s.path("stateDir").asText()).isEqualTo(dir.resolve("state").toAbsolutePath().normalize().toString());
        assertThat(s.path("generation").asLong()).isZero();
        assertThat(s.path("tlsProvider").isNull()).isTrue();
        assertThat(s.path("draining").asBoolean()).isFalse();
        assertThat(s.path("listeners")).hasSize(1);
        assertThat(s.path("listeners").get(0).path("url").asText()).isEqualTo(server.uri("/").toString());
        assertThat(s.path("listeners").get(0).path("protocols")).extracting(JsonNode::asText).containsExactly("h1", "h2c");
        assertThat(s.path("counts").path("apps").asInt()).isEqualTo(1);
        assertThat(s.path("counts").path("certificates").asInt()).isZero();
        assertThat(s.path("counts").path("jobs").asInt()).isEqualTo(1);
        assertThat(s.path("appStates").path("running").asInt()).isEqualTo(1);
        assertThat(s.path("appStates").path("failed").asInt()).isZero();
        assertThat(s.path("lastReload").isNull()).isTrue();
        // the running parts in start order (no TLS, no access log in this plan)
        assertThat(s.path("services")).extracting(v -> v.path("name").asText())
                .containsExactly("apps", "listeners", "jobs", "metrics", "admin");
        assertThat(s.path("services")).allSatisfy(v -> assertThat(v.path("state").asText()).isEqualTo("running"));
        assertThat(s.path("services").get(0).path("detail").asText()).isEqualTo("1 app(s): 1 running; 0 static mount(s)");
        assertThat(s.path("services").get(1).path("detail").asText()).isEqualTo("1 listener open");
        assertThat(s.path("services").get(2).path("detail").asText()).isEqualTo("1 job(s) scheduled");
        assertThat(s.path("services").get(3).path("detail").asText()).isEqualTo("GET /metrics on the admin channel");
        assertThat(s.path("services").get(4).path("detail").asText()).startsWith("http://127.0.0.1:");
        assertThat(call("GET", "health/live").json().path("status").asText()).isEqualTo("live");
    }

    @Test
    void ready_when_every_app_runs_not_ready_with_a_failed_one_unless_it_is_optional() throws Exception {
        Path shop = war("shop", "shop");
        Path broken = brokenWar("broken");
        Path config = dir.resolve("container.conf");
        Files.writeString(config, """
                listeners = [{ host = 127.0.0.1, port = 0 }]
                state-dir = state
                apps = [
                  { war = shop.war }
                  { war = broken.war, optional = %s }
                ]
                """.formatted("false"));
        server = TestServer.startConfig(config);

        Answer notReady = call("GET", "health/ready");
        assertProblem(notReady, 503, "not-ready");
        assertThat(notReady.json().path("reasons")).hasSize(1);
        assertThat(notReady.json().path("reasons").get(0).asText())
                .startsWith("app /broken failed to start: ").contains("no database at db.example:5432");
        JsonNode failed = call("GET", "apps/_/broken").json();
        assertThat(failed.path("state").asText()).isEqualTo("failed");
        assertThat(failed.path("reason").asText()).contains("no database at db.example:5432").doesNotContain("\n");
        assertThat(failed.path("optional").asBoolean()).isFalse();

        Files.writeString(config, Files.readString(config).replace("optional = false", "optional = true"));
        assertThat(call("POST", "reload").status()).isEqualTo(200);

        Answer ready = call("GET", "health/ready");
        assertThat(ready.status()).as(ready.json().toString()).isEqualTo(200);
        assertThat(ready.json().path("status").asText()).isEqualTo("ready");
        assertThat(call("GET", "apps/_/broken").json().path("optional").asBoolean()).isTrue();
    }

    @Test
    void a_hosts_health_path_answers_load_balancers_without_the_token_and_without_the_reasons() throws Exception {
        war("shop", "shop");
        brokenWar("broken");
        Path config = dir.resolve("container.conf");
        Files.writeString(config, """
                listeners = [{ host = 127.0.0.1, port = 0 }]
                state-dir = state
                hosts { main { default = true, health-path = /healthz } }
                apps = [
                  { war = shop.war }
                  { war = broken.war, optional = false }
                ]
                """);
        server = TestServer.startConfig(config);

        HttpResponse<String> ready = get("/healthz/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).isEqualTo("{\"status\":\"not ready\"}\n").doesNotContain("broken");
        assertThat(ready.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(get("/healthz").statusCode()).isEqualTo(503);
        HttpResponse<String> live = get("/healthz/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).contains("\"live\"");
        assertThat(get("/healthz/other").statusCode()).isEqualTo(404);
        assertThat(server.send(HttpRequest.newBuilder(server.uri("/healthz/ready"))
                .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(405);
        assertThat(get("/shop/hello").statusCode()).as("the apps are served beside it").isEqualTo(200);

        Files.writeString(config, Files.readString(config).replace("optional = false", "optional = true"));
        assertThat(call("POST", "reload").status()).isEqualTo(200);
        assertThat(get("/healthz/ready").statusCode()).isEqualTo(200);
        assertThat(get("/healthz").body()).isEqualTo("{\"status\":\"ready\"}\n");
    }

    private HttpResponse<String> get(String path) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).build());
    }

    @Test
    void apps_show_state_source_and_the_requests_by_status_class_with_latency() throws Exception {
        Path shop = war("shop", "shop");
        Path root = war("ROOT", "root");
        start(p -> p.war(shop.toString()).war(root.toString()));
        for (int i = 0; i < 3; i++) {
            assertThat(server.get("/shop/hello").statusCode()).isEqualTo(200);
        }
        assertThat(server.get("/shop/status?code=404").statusCode()).isEqualTo(404);
        assertThat(server.get("/shop/status?code=503").statusCode()).isEqualTo(503);
        assertThat(server.get("/shop/status?code=302").statusCode()).isEqualTo(302);

        JsonNode apps = call("GET", "apps").json().path("apps");
        assertThat(apps).extracting(a -> a.path("id").asText()).containsExactly("_/shop", "_/ROOT");
        JsonNode app = awaitApp("_/shop", a -> a.path("requests").path("total").asLong() == 6);
        assertThat(app.path("name").asText()).isEqualTo("/shop");
        assertThat(app.path("hosts")).extracting(JsonNode::asText).containsExactly("default");
        assertThat(app.path("contextPath").asText()).isEqualTo("/shop");
        assertThat(app.path("source").asText()).isEqualTo(shop.toAbsolutePath().normalize().toString());
        assertThat(app.path("exploded").asBoolean()).isFalse();
        assertThat(app.path("state").asText()).isEqualTo("running");
        assertThat(app.path("reason").isNull()).isTrue();
        assertThat(Instant.parse(app.path("startedAt").asText())).isBefore(Instant.now());
        assertThat(app.path("deployMillis").asLong()).isPositive();
        JsonNode requests = app.path("requests");
        assertThat(requests.path("2xx").asLong()).isEqualTo(3);
        assertThat(requests.path("3xx").asLong()).isEqualTo(1);
        assertThat(requests.path("4xx").asLong()).isEqualTo(1);
        assertThat(requests.path("5xx").asLong()).isEqualTo(1);
        assertThat(requests.path("inFlight").asLong()).isZero();
        JsonNode latency = app.path("latency");
        assertThat(latency.path("windowSeconds").asInt()).isEqualTo(60);
        assertThat(latency.path("count").asLong()).isEqualTo(6);
        assertThat(latency.path("meanMillis").asDouble()).isPositive();
        assertThat(latency.path("p99Millis").asDouble()).isGreaterThanOrEqualTo(latency.path("meanMillis").asDouble());
        assertThat(call("GET", "apps/_/ROOT").json().path("contextPath").asText()).isEqualTo("/");
        assertThat(call("GET", "apps/default/shop").json().path("id").asText()).isEqualTo("_/shop");
        assertProblem(call("GET", "apps/_/nope"), 404, "no-such-app");
    }

    @Test
    void a_request_in_flight_is_counted_until_it_ends_and_its_latency_follows() throws Exception {
        Path shop = war("shop", "shop");
        start(p -> p.war(shop.toString()));

        CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> server.get("/shop/slow?ms=1500"));
        awaitApp("_/shop", a -> a.path("requests").path("inFlight").asLong() == 1);
        assertThat(slow.get().body()).isEqualTo("slow");

        JsonNode app = awaitApp("_/shop", a -> a.path("requests").path("inFlight").asLong() == 0);
        assertThat(app.path("requests").path("2xx").asLong()).isEqualTo(1);
        assertThat(app.path("latency").path("meanMillis").asDouble()).isGreaterThanOrEqualTo(1500);
    }

    @Test
    void redeploy_swaps_in_the_new_version_and_a_broken_one_leaves_the_old_serving() throws Exception {
        Path shop = war("shop", "first");
        start(p -> p.war(shop.toString()));
        String startedAt = call("GET", "apps/_/shop").json().path("startedAt").asText();
        war("shop", "second");
        java.util.List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
        Thread clients = new Thread(() -> {
            while (!done.get()) {
                HttpResponse<String> response = server.get("/shop/hello");
                served.incrementAndGet();
                if (response.statusCode() != 200) {
                    failures.add(response.statusCode() + " " + response.body());
                }
            }
        });
        clients.start();

        Answer redeployed = call("POST", "apps/_/shop/redeploy");
        done.set(true);
        clients.join(10_000);

        assertThat(failures).as("requests that failed among %d during the redeploy", served.get()).isEmpty();
        assertThat(served.get()).isPositive();
        assertThat(redeployed.status()).as(redeployed.json().toString()).isEqualTo(200);
        assertThat(redeployed.json().path("state").asText()).isEqualTo("running");
        assertThat(redeployed.json().path("startedAt").asText()).isNotEqualTo(startedAt);
        assertThat(server.get("/shop/hello").body()).isEqualTo("second");
        assertThat(call("GET", "status").json().path("generation").asLong()).isEqualTo(1);

        brokenWar("shop");
        Answer failed = call("POST", "apps/_/shop/redeploy");

        assertProblem(failed, 409, "app-start-failed");
        assertThat(failed.json().path("detail").asText()).contains("the new version did not start")
                .contains("no database at db.example:5432").contains("the running version stays");
        assertThat(failed.json().path("app").path("state").asText()).isEqualTo("running");
        assertThat(server.get("/shop/hello").body()).isEqualTo("second");
        assertProblem(call("POST", "apps/_/nope/redeploy"), 404, "no-such-app");
    }

    @Test
    void a_stopped_app_answers_503_until_started_again() throws Exception {
        Path shop = war("shop", "shop");
        start(p -> p.war(shop.toString()));

        Answer stopped = call("POST", "apps/_/shop/stop");

        assertThat(stopped.status()).isEqualTo(200);
        assertThat(stopped.json().path("state").asText()).isEqualTo("stopped");
        HttpResponse<String> refused = server.get("/shop/hello");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("/shop is stopped");
        assertProblem(call("POST", "apps/_/shop/redeploy"), 409, "app-conflict");
        assertThat(call("GET", "health/ready").status()).as("an app stopped on purpose leaves the server ready").isEqualTo(200);

        Answer started = call("POST", "apps/_/shop/start");

        assertThat(started.status()).isEqualTo(200);
        assertThat(started.json().path("state").asText()).isEqualTo("running");
        assertThat(server.get("/shop/hello").body()).isEqualTo("shop");
        assertThat(call("POST", "apps/_/shop/start").status()).as("starting a running app changes nothing").isEqualTo(200);
    }

    @Test
    void reload_answers_what_changed_or_every_problem_and_keeps_the_running_configuration() throws Exception {
        war("shop", "shop");
        war("blog", "blog");
        Path config = dir.resolve("container.conf");
        Files.writeString(config, """
                listeners = [{ host = 127.0.0.1, port = 0 }]
                state-dir = state
                apps = [shop.war]
                jobs { tick { every = 1h, delay = 1h, command { argv = [true] } } }
                """);
        server = TestServer.startConfig(config);
        Files.writeString(config, """
                listeners = [{ host = 127.0.0.1, port = 0 }]
                state-dir = state
                apps = [blog.war]
                jobs { tock { every = 1h, delay = 1h, command { argv = [true] } } }
                """);

        Answer applied = call("POST", "reload");

        assertThat(applied.status()).as(applied.json().toString()).isEqualTo(200);
        JsonNode r = applied.json();
        assertThat(r.path("result").asText()).isEqualTo("applied");
        assertThat(r.path("apps").path("started")).extracting(JsonNode::asText).containsExactly("/blog");
        assertThat(r.path("apps").path("stopped")).extracting(JsonNode::asText).containsExactly("/shop");
        assertThat(r.path("apps").path("unchanged")).isEmpty();
        assertThat(r.path("jobs").path("added")).extracting(JsonNode::asText).containsExactly("tock");
        assertThat(r.path("jobs").path("removed")).extracting(JsonNode::asText).containsExactly("tick");
        assertThat(r.path("listeners").path("opened")).isEmpty();
        assertThat(server.get("/blog/hello").body()).isEqualTo("blog");

        Files.writeString(config, """
                listeners = [{ host = 127.0.0.1, port = 0 }]
                state-dir = state
                apps = [shop.war, { war = missing.war }]
                listners = []
                """);
        Answer refused = call("POST", "reload");

        assertProblem(refused, 422, "config-invalid");
        assertThat(refused.json().path("problems")).extracting(JsonNode::asText).anySatisfy(p -> assertThat(p)
                .startsWith(config + ":4: ").contains("listners"))
                .anySatisfy(p -> assertThat(p).startsWith(config + ":3: ").contains("missing.war"));
        assertThat(refused.json().path("detail").asText()).contains("the running one stays");
        assertThat(server.get("/blog/hello").body()).isEqualTo("blog");
        JsonNode last = call("GET", "status").json().path("lastReload");
        assertThat(last.path("result").asText()).isEqualTo("invalid");
        assertThat(last.path("problems")).hasSize(2);
    }

    @Test
    void reload_without_a_config_file_is_a_conflict() throws Exception {
        Path shop = war("shop", "shop");
        start(p -> p.war(shop.toString()));

        Answer answer = call("POST", "reload");

        assertProblem(answer, 409, "nothing-to-reload");
        assertThat(answer.json().path("detail").asText()).contains("without --config");
    }

    @Test
    void jobs_pause_and_resume_show_in_their_status() throws Exception {
        Path shop = war("shop", "shop");
        start(p -> p.war(shop.toString()).job("tick every 1h command true"));

        JsonNode paused = call("POST", "jobs/tick/pause").json();

        assertThat(paused.path("paused").asBoolean()).isTrue();
        assertThat(paused.path("next").isNull()).isTrue();
        assertThat(call("GET", "jobs").json().path("jobs").get(0).path("paused").asBoolean()).isTrue();
        assertThat(server.container().jobs().status("tick").orElseThrow().paused()).isTrue();

        JsonNode resumed = call("POST", "jobs/tick/resume").json();

        assertThat(resumed.path("paused").asBoolean()).isFalse();
        assertThat(Instant.parse(resumed.path("next").asText())).isAfter(Instant.now());
        assertProblem(call("POST", "jobs/nope/pause"), 404, "no-such-job");
        assertProblem(call("GET", "jobs/nope"), 404, "no-such-job");
        assertThat(call("POST", "jobs/tick/run").status()).isEqualTo(202);
    }

    @Test
    void certificates_list_the_files_served_with_expiry_and_renew_is_for_acme_only() throws Exception {
        var cert = TestCerts.write(dir, "site", "EC", "site.test", "www.site.test");
        Path shop = war("shop", "shop");
        server = TestServer.startWith(dir.resolve("state"), p -> p.https("127.0.0.1:0").cert(cert.cert(), cert.key())
                .war(shop.toString()));

        JsonNode certificates = call("GET", "certificates").json().path("certificates");

        assertThat(certificates).hasSize(1);
        JsonNode c = certificates.get(0);
        assertThat(c.path("name").asText()).isEqualTo("site.test");
        assertThat(c.path("names")).extracting(JsonNode::asText).containsExactly("site.test", "www.site.test");
        assertThat(c.path("source").asText()).isEqualTo("files");
        assertThat(c.path("state").asText()).isEqualTo("valid");
        assertThat(c.path("notAfter").asText()).isEqualTo(cert.certificate().getNotAfter().toInstant().toString());
        assertThat(c.path("notBefore").asText()).isEqualTo(cert.certificate().getNotBefore().toInstant().toString());
        assertThat(c.path("daysLeft").asLong()).isEqualTo(
                Duration.between(Instant.now(), cert.certificate().getNotAfter().toInstant()).toDays());
        assertThat(c.path("issuer").asText()).isNotBlank();
        assertThat(c.path("files")).extracting(JsonNode::asText).containsExactly(cert.cert().toString(), cert.key().toString());
        assertThat(c.path("acme").isNull()).isTrue();
        JsonNode status = call("GET", "status").json();
        assertThat(status.path("counts").path("certificates").asInt()).isEqualTo(1);
        assertThat(status.path("tlsProvider").asText()).isIn("conscrypt", "jdk");
        assertThat(status.path("listeners").get(0).path("protocols")).extracting(JsonNode::asText).containsExactly("h1", "h2");
        assertThat(status.path("services")).extracting(v -> v.path("name").asText())
                .containsExactly("certificates", "ocsp-stapling", "apps", "listeners", "jobs", "metrics", "admin");
        assertThat(status.path("services").get(0).path("detail").asText()).isEqualTo("1 certificate served");

        assertProblem(call("POST", "certificates/site.test/renew"), 409, "not-acme");
        assertProblem(call("POST", "certificates/other.test/renew"), 404, "no-such-certificate");
    }

    @Test
    void stop_answers_202_then_drains_with_ready_503_and_removes_admin_json() throws Exception {
        Path shop = war("shop", "shop");
        start(p -> p.war(shop.toString()));
        CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> server.get("/shop/slow?ms=2500"));
        awaitApp("_/shop", a -> a.path("requests").path("inFlight").asLong() == 1);
        String token = token();

        Answer stopping = call("POST", "stop");

        assertThat(stopping.status()).isEqualTo(202);
        assertThat(stopping.json().path("status").asText()).isEqualTo("stopping");
        Answer draining = call("GET", "health/ready", token);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (draining.status() == 200 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            draining = call("GET", "health/ready", token);
        }
        assertProblem(draining, 503, "not-ready");
        assertThat(draining.json().path("detail").asText()).contains("stopping");
        assertThat(call("GET", "status", token).json().path("draining").asBoolean()).isTrue();
        assertThat(slow.get().body()).as("the running request finishes").isEqualTo("slow");
        deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Files.exists(dir.resolve("state/admin.json"))) {
            assertThat(System.nanoTime()).as("admin.json removed once stopped").isLessThan(deadline);
            Thread.sleep(20);
        }
        server = null;
    }
}
