package dev.container.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.container.config.Header;
import dev.container.config.JobSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job's definition as a cluster keeps it: the {@link JobSpec} as one line of JSON in the Quartz
 * job's data, so that every node runs the cluster's definition of a job (the last one a node's
 * start or reload wrote), and a node can tell whether its own configuration says the same
 * (then it leaves the job and its schedule alone). Durations are ISO-8601 ({@code PT2S}), paths
 * as the node that wrote them resolved them. Thread-safe, stateless.
 */
final class JobDefinition {
    /** The key of the definition in the Quartz job's data. */
    static final String KEY = "container.definition";
    /** Changed when the form changes; a definition of another version is unreadable, not misread. */
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private JobDefinition() {
    }

    /** The definition of spec; equal specs give equal strings. */
    static String encode(JobSpec spec) {
        ObjectNode o = JSON.createObjectNode();
        o.put("v", VERSION);
        o.put("name", spec.name());
        ObjectNode schedule = o.putObject("schedule");
        if (spec.schedule() instanceof JobSpec.Every every) {
            schedule.put("every", every.interval().toString());
            schedule.put("delay", every.delay().toString());
        } else {
            JobSpec.Cron cron = (JobSpec.Cron) spec.schedule();
            schedule.put("cron", cron.written());
            schedule.put("quartz", cron.quartz());
        }
        ObjectNode action = o.putObject("action");
        if (spec.action() instanceof JobSpec.RunCommand c) {
            ArrayNode argv = action.putObject("command").putArray("argv");
            c.argv().forEach(argv::add);
            c.dir().ifPresent(d -> ((ObjectNode) action.get("command")).put("dir", d.toString()));
            strings(((ObjectNode) action.get("command")).putObject("env"), c.env());
        } else if (spec.action() instanceof JobSpec.CallHttp h) {
            ObjectNode http = action.putObject("http");
            http.put("method", h.method());
            http.put("path", h.path());
            h.host().ifPresent(v -> http.put("host", v));
            ArrayNode headers = http.putArray("headers");
            h.headers().forEach(x -> headers.addArray().add(x.name()).add(x.value()));
            http.put("body", h.body());
        } else {
            JobSpec.RunClass c = (JobSpec.RunClass) spec.action();
            ObjectNode type = action.putObject("class");
            type.put("name", c.className());
            c.app().ifPresent(v -> type.put("app", v));
            c.host().ifPresent(v -> type.put("host", v));
            ArrayNode jars = type.putArray("jars");
            c.jars().forEach(j -> jars.add(j.toString()));
            strings(type.putObject("data"), c.data());
        }
        o.put("timeout", spec.timeout().toString());
        o.put("jitter", spec.jitter().toString());
        o.put("history", spec.history());
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a job definition", e);
        }
    }

    private static void strings(ObjectNode into, Map<String, String> map) {
        map.forEach(into::put); // sorted maps (JobSpec's): the same text for equal specs
    }

    /** The spec of a definition; an IllegalArgumentException saying why when it is not one this version reads. */
    static JobSpec decode(String text) {
        JsonNode o;
        try {
            o = JSON.readTree(text);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not a job definition: " + e.getMessage());
        }
        if (o == null || o.path("v").asInt() != VERSION) {
            throw new IllegalArgumentException("a job definition of another version of the container: " + text);
        }
        try {
            JsonNode s = o.path("schedule");
            JobSpec.Schedule schedule = s.has("every")
                    ? new JobSpec.Every(Duration.parse(s.path("every").asText()), Duration.parse(s.path("delay").asText()))
                    : new JobSpec.Cron(text(s, "cron"), text(s, "quartz"));
            JsonNode a = o.path("action");
            JobSpec.Action action;
            if (a.has("command")) {
                JsonNode c = a.path("command");
                action = new JobSpec.RunCommand(list(c.path("argv")), optional(c, "dir").map(Path::of), map(c.path("env")));
            } else if (a.has("http")) {
                JsonNode h = a.path("http");
                List<Header> headers = new ArrayList<>();
                h.path("headers").forEach(x -> headers.add(new Header(x.path(0).asText(), x.path(1).asText())));
                action = new JobSpec.CallHttp(text(h, "method"), text(h, "path"), optional(h, "host"), headers, text(h, "body"));
            } else {
                JsonNode c = a.path("class");
                action = new JobSpec.RunClass(text(c, "name"), optional(c, "app"), optional(c, "host"),
                        list(c.path("jars")).stream().map(Path::of).toList(), map(c.path("data")));
            }
            return new JobSpec(text(o, "name"), schedule, action, Duration.parse(text(o, "timeout")),
                    Duration.parse(text(o, "jitter")), o.path("history").asInt());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a job definition (" + e.getMessage() + "): " + text);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("no " + field);
        }
        return v.asText();
    }

    private static Optional<String> optional(JsonNode node, String field) {
        return node.has(field) ? Optional.of(text(node, field)) : Optional.empty();
    }

    private static List<String> list(JsonNode array) {
        List<String> result = new ArrayList<>();
        array.forEach(v -> result.add(v.asText()));
        return result;
    }

    private static Map<String, String> map(JsonNode object) {
        Map<String, String> result = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> result.put(e.getKey(), e.getValue().asText()));
        return result;
    }
}
