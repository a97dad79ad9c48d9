package dev.container.admin;

import static dev.container.jobs.JobsFixture.awaitRuns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.container.cli.ContainerCommand;
import dev.container.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin channel: found through STATE/admin.json, answers only with its token, lists and runs jobs. */
class AdminChannelTest {
    @TempDir
    Path state;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private TestServer start() {
        server = TestServer.start(state, p -> p.job("echo every 1h after 1h command echo by hand"));
        return server;
    }

    private static int cli(PrintWriter out, PrintWriter err, String... args) {
        return ContainerCommand.commandLine().setOut(out).setErr(err).execute(args);
    }

    @Test
    void admin_json_is_the_owners_only_and_names_a_loopback_url() throws Exception {
        start();
        Path file = state.resolve("admin.json");
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(file)).contains("\"url\" : \"http://127.0.0.1:").contains("\"token\"");
        server.close();
        server = null;
        assertThat(file).doesNotExist();
    }

    @Test
    void a_call_without_the_token_is_refused() throws Exception {
        start();
        URI url = URI.create(server.container().adminUrl().orElseThrow()).resolve("jobs");
        HttpClient client = HttpClient.newHttpClient();
        assertThat(client.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(401);
        assertThat(client.send(HttpRequest.newBuilder(url).header("Authorization", "Bearer nope").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }

    @Test
    void the_client_lists_and_runs_jobs() {
        start();
        AdminClient client = AdminClient.forStateDir(state);
        JsonNode jobs = client.get("jobs").path("jobs");
        assertThat(jobs).hasSize(1);
        assertThat(jobs.get(0).path("name").asText()).isEqualTo("echo");
        assertThat(jobs.get(0).path("next").asText()).isNotEmpty();
        client.post("jobs/echo/run");
        var run = awaitRuns(server.container().jobs(), "echo", 1, r -> r.manual()).get(0);
        assertThat(run.output()).isEqualTo("by hand\n");
        assertThatThrownBy(() -> client.post("jobs/nope/run")).hasMessageStartingWith("no job named nope");
    }

    @Test
    void jobs_commands_print_the_jobs_and_run_one() {
        start();
        StringWriter out = new StringWriter();
        int status = cli(new PrintWriter(out), new PrintWriter(new StringWriter()), "jobs", "--state", state.toString());
        assertThat(status).isZero();
        assertThat(out.toString()).contains("echo").contains("every 1h after 1h").contains("never run");

        out = new StringWriter();
        status = cli(new PrintWriter(out), new PrintWriter(new StringWriter()), "jobs", "run", "echo",
                "--state", state.toString());
        assertThat(status).isZero();
        assertThat(out.toString()).startsWith("echo: ok at").contains("exit 0 (by hand)").contains("| by hand");
    }

    @Test
    void jobs_command_without_a_running_server_says_so() {
        StringWriter err = new StringWriter();
        int status = cli(new PrintWriter(new StringWriter()), new PrintWriter(err), "jobs", "--state", state.toString());
        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).startsWith("container: no running container found: " + state.resolve("admin.json"));
    }
}
