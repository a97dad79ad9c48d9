package dev.container.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * The commands' side of the admin channel: finds the running server through
 * {@code STATE/admin.json} and calls its API with the token written there. Every failure is an
 * {@link AdminException} with a message for the user (no server, stale file, refused call).
 * Thread-safe.
 */
public final class AdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private AdminClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** The client for the server whose state directory is stateDir. */
    public static AdminClient forStateDir(Path stateDir) {
        Path file = stateDir.resolve(AdminServer.FILE);
        JsonNode content;
        try {
            content = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new AdminException("no running container found: " + file + " does not exist (is a server running "
                    + "with this state directory, and its admin channel not off?)");
        } catch (IOException e) {
            throw new AdminException("cannot read " + file + ": " + e.getMessage());
        }
        if (!content.path("url").isTextual() || !content.path("token").isTextual()) {
            throw new AdminException(file + ": not an admin file (no url and token in it)");
        }
        return new AdminClient(URI.create(content.get("url").asText()), content.get("token").asText());
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public JsonNode post(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpRequest built = request.timeout(TIMEOUT).header("Authorization", "Bearer " + token).build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new AdminException("the container at " + base + " does not answer (stopped? its admin.json is stale)");
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
        if (response.statusCode() >= 400) {
            throw new AdminException(body.path("error").asText("HTTP " + response.statusCode()));
        }
        return body;
    }

    /** A call to the admin channel failed; the message says why, for the user. */
    public static final class AdminException extends RuntimeException {
        public AdminException(String message) {
            super(message, null, false, false);
        }
    }
}
