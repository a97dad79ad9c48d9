package dev.container.config;

import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@code metrics}: {@code metrics = off}, or {@code metrics { listen = "0.0.0.0:9100", token
 * = ${METRICS_TOKEN} }} for a listener of their own. The rule for that listener, shared with
 * {@code --metrics}: off the loopback it needs a token, since anyone who can reach the port could
 * read it otherwise. Unlike the admin channel, which can change the server, the metrics listener
 * only reads, so a token is enough there (it crosses the network in clear: a private network, or a
 * TLS proxy in front, keeps it from being read on the way).
 */
final class MetricsSection {
    /** The keys of the metrics section, for unknown-key checking ({@link ConfigFile#KEYS}). */
    static final Map<String, List<String>> KEYS = Map.of("metrics", List.of("enabled", "listen", "token"));

    /** Why a metrics listener off the loopback needs a token, after "'ADDR' is not a loopback address". */
    static final String TOKEN_NEEDED = "a metrics listener off the loopback needs a token, or anyone who reaches"
            + " the port reads the server's metrics: set metrics.token (at least " + MetricsSpec.MIN_TOKEN_LENGTH
            + " characters, e.g. from openssl rand -hex 16; a scraper sends it as Authorization: Bearer TOKEN),"
            + " or listen on 127.0.0.1";
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");

    private MetricsSection() {
    }

    static MetricsSpec read(Section top) {
        ConfigValue v = top.has("metrics");
        if (v == null) {
            return MetricsSpec.DEFAULT;
        }
        Object raw = v.unwrapped();
        if (Boolean.FALSE.equals(raw) || "off".equals(raw)) {
            return MetricsSpec.OFF;
        }
        if (Boolean.TRUE.equals(raw) || "on".equals(raw)) {
            return MetricsSpec.DEFAULT;
        }
        if (v.valueType() != ConfigValueType.OBJECT) {
            top.reading.problem(top.at.child("metrics"), v,
                    "expected off, on, or an object such as { listen = \"0.0.0.0:9100\", token = ${METRICS_TOKEN} }");
            return MetricsSpec.DEFAULT;
        }
        return top.section("metrics", "metrics").map(MetricsSection::metrics).orElse(MetricsSpec.DEFAULT);
    }

    private static MetricsSpec metrics(Section s) {
        boolean enabled = s.bool("enabled").orElse(true);
        Optional<String> given = s.string("token").filter(t -> !t.isEmpty()); // "": none, the default
        Optional<String> token = given.filter(t -> checkToken(s, t));
        Optional<ListenerSpec> listen = Optional.empty();
        ConfigValue v = s.has("listen");
        if (v != null && !"off".equals(v.unwrapped()) && !Boolean.FALSE.equals(v.unwrapped())) {
            if (v.valueType() != ConfigValueType.STRING) {
                s.problemAt("listen", "expected an address such as \"0.0.0.0:9100\", or off");
            } else {
                String text = (String) v.unwrapped();
                ListenerSpec spec = PlanBuilder.parseListen(text, p -> s.problemAt("listen", "expected [host]:port: " + p));
                if (spec != null && given.isEmpty() && !JobsSection.isLoopback(spec.host())) {
                    s.problemAt("listen", "'" + text + "' is not a loopback address: " + TOKEN_NEEDED);
                } else if (spec != null && !enabled) {
                    s.problemAt("listen", "a listener for metrics that are off (enabled = false): remove one of the two");
                } else if (spec != null) {
                    listen = Optional.of(spec);
                }
            }
        }
        s.finish();
        return enabled ? new MetricsSpec(true, listen, token) : MetricsSpec.OFF;
    }

    /** Whether t is a usable token; reports why not. */
    private static boolean checkToken(Section s, String t) {
        String problem = tokenProblem(t);
        if (problem != null) {
            s.problemAt("token", problem);
            return false;
        }
        return true;
    }

    /** Why t cannot be a metrics token (never quoting it: it is a secret), or null. */
    static String tokenProblem(String t) {
        if (!TOKEN.matcher(t).matches()) {
            return "expected a token of visible ASCII characters without spaces (it is sent in an HTTP header)";
        }
        if (t.length() < MetricsSpec.MIN_TOKEN_LENGTH) {
            return "a token of at least " + MetricsSpec.MIN_TOKEN_LENGTH + " characters is needed, got "
                    + t.length() + " (make one with openssl rand -hex 16)";
        }
        return null;
    }
}
