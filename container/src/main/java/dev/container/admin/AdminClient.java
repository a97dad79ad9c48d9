package dev.container.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The commands' side of the admin channel: finds the running server through
 * {@code STATE/admin.json} and calls its API with the token written there. Every failure is an
 * {@link AdminException} with a message for the user: {@link NotRunning} when no server answers
 * there, otherwise the API's problem (its status, detail and extra members). Thread-safe.
 */
public final class AdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT = Duration.ofSeconds(10);
    /** Reads answer at once; an action (a reload, a redeploy) may take as long as an app's start and drain. */
    private static final Duration READ = Duration.ofSeconds(30);
    private static final Duration ACTION = Duration.ofMinutes(10);

    private final URI base;
    private final String token;
    private final long pid;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT).build();

    private AdminClient(URI base, String token, long pid) {
        this.base = base;
        this.token = token;
        this.pid = pid;
    }

    /** The client for the server whose state directory is stateDir; {@link NotRunning} when it has no admin.json. */
    public static AdminClient forStateDir(Path stateDir) {
        Path file = stateDir.resolve(AdminServer.FILE);
        JsonNode content;
        try {
            content = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new NotRunning("no running container found: " + file + " does not exist (is a server running "
                    + "with this state directory, and its admin channel not off?)");
        } catch (IOException e) {
            throw new AdminException("cannot read " + file + ": " + e.getMessage());
        }
        if (!content.path("url").isTextual() || !content.path("token").isTextual()) {
            throw new AdminException(file + ": not an admin file (no url and token in it)");
        }
        return new AdminClient(URI.create(content.get("url").asText()), content.get("token").asText(),
                content.path("pid").asLong(-1));
    }

    /** Where the server's admin channel is. */
    public URI url() {
        return base;
    }

    /** The server's process id as its admin.json says, or -1. */
    public long pid() {
        return pid;
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), READ);
    }

    public JsonNode post(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()), ACTION);
    }

    /** Whether the admin channel still accepts connections (false once the server has stopped). */
    public boolean answers() {
        try {
            http.send(HttpRequest.newBuilder(base.resolve("health/live")).timeout(CONNECT).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode send(HttpRequest.Builder request, Duration timeout) {
        HttpRequest built = request.timeout(timeout).header("Authorization", "Bearer " + token).build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new NotRunning("no running container found: the one at " + base + " that admin.json names does not"
                    + " answer (it stopped without removing the file?)");
        } catch (IOException e) {
            throw new AdminException("calling the container at " + base + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AdminException("the container at " + base + " answered " + response.statusCode() + " without JSON");
        }
        if (body == null) {
            body = MissingNode.getInstance();
        }
        if (response.statusCode() >= 400) {
            throw new AdminException(response.statusCode(), body);
        }
        return body;
    }

    /** A call to the admin channel failed; the message says why, for the user. */
    public static class AdminException extends RuntimeException {
        private final int status;
        private final JsonNode problem;

        public AdminException(String message) {
            super(message, null, false, false);
            this.status = 0;
            this.problem = MissingNode.getInstance();
        }

        AdminException(int status, JsonNode problem) {
            super(problem.path("detail").asText("HTTP " + status), null, false, false);
            this.status = status;
            this.problem = problem;
        }

        /** The API's status code (0 when there was no answer). */
        public int status() {
            return status;
        }

        /** The problem's type slug ({@code config-invalid}), if the API answered with one. */
        public Optional<String> type() {
            String type = problem.path("type").asText("");
            return type.startsWith(Problem.TYPE_PREFIX) ? Optional.of(type.substring(Problem.TYPE_PREFIX.length()))
                    : Optional.empty();
        }

        /** A list member of the problem ({@code problems}, {@code reasons}); empty when absent. */
        public List<String> list(String member) {
            List<String> values = new ArrayList<>();
            problem.path(member).forEach(v -> values.add(v.asText()));
            return values;
        }

        /** The problem as the API sent it (for --json). */
        public JsonNode problem() {
            return problem;
        }
    }

    /** No server answers where the state directory says (or it has no admin.json). */
    public static final class NotRunning extends AdminException {
        public NotRunning(String message) {
            super(message);
        }
    }
}
