package dev.container.config;

import com.typesafe.config.ConfigValue;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads {@code acme}: the CA that hosts with {@code tls = auto} get their certificates from, and how. */
final class AcmeSection {
    /** The keys of the acme section and its eab, for unknown-key checking ({@link ConfigFile#KEYS}). */
    static final Map<String, List<String>> KEYS = Map.of(
            "acme", List.of("directory", "email", "agree-terms", "eab", "trust", "challenge", "renew-before",
                    "check-interval"),
            "acme.eab", List.of("kid", "hmac-key"));

    private static final List<String> CHALLENGES = List.of("http-01", "tls-alpn-01", "auto");

    private AcmeSection() {
    }

    /**
     * The acme section. Read whether or not a host uses it, so its mistakes show at once; its
     * requirements (terms agreed, EAB for ZeroSSL, a listener for the challenge) only matter
     * when a host has tls = auto.
     */
    static AcmeSpec read(Section top, List<HostSpec> hosts, List<ListenerSpec> listeners,
                         Map<String, AcmeSpec.Challenge> hostChallenges) {
        Reading reading = top.reading;
        AcmeSpec d = AcmeSpec.DEFAULT;
        boolean used = hosts.stream().anyMatch(h -> h.tls() == HostTls.AUTO);
        Optional<Section> found = top.section("acme", "acme");
        if (found.isEmpty()) {
            if (used) {
                reading.problem(top.at.child("hosts"), top.object.get("hosts"), "a host with tls = auto needs an acme section"
                        + " with at least agree-terms = true (the CA's terms of service; Let's Encrypt by default)");
            }
            return d;
        }
        Section s = found.get();
        URI directory = d.directory();
        ConfigValue dirValue = s.has("directory");
        if (dirValue != null && reading.scalar(dirValue, s.at.child("directory"), "a preset or a URL")) {
            String text = String.valueOf(dirValue.unwrapped()).trim();
            if (AcmeSpec.PRESETS.containsKey(text.toLowerCase(Locale.ROOT))) {
                directory = AcmeSpec.PRESETS.get(text.toLowerCase(Locale.ROOT));
            } else if (text.startsWith("https://") || text.startsWith("http://")) {
                try {
                    directory = new URI(text);
                    if (directory.getHost() == null) {
                        throw new java.net.URISyntaxException(text, "no host");
                    }
                } catch (java.net.URISyntaxException e) {
                    s.problemAt("directory", "not a URL: '" + text + "'");
                }
            } else {
                s.problemAt("directory", "expected letsencrypt, letsencrypt-staging, zerossl or the https:// URL of an"
                        + " ACME directory, got '" + text + "'" + Reading.suggestion(text, AcmeSpec.PRESETS.keySet()));
            }
        }
        Optional<String> email = s.string("email").filter(e -> !e.isBlank());
        if (email.isPresent() && !email.get().matches("[^@\\s]+@[^@\\s]+")) {
            s.problemAt("email", "expected an email address such as me@example.com, got '" + email.get() + "'");
        }
        boolean agreeTerms = s.bool("agree-terms").orElse(false);
        Optional<AcmeSpec.Eab> eab = s.section("eab", "acme.eab").flatMap(e -> {
            Optional<String> kid = e.string("kid");
            Optional<String> hmac = e.string("hmac-key");
            e.finish();
            if (kid.isEmpty() || hmac.isEmpty()) {
                reading.problem(e.at, e.object, "eab needs both kid and hmac-key (from the CA's dashboard)");
                return Optional.empty();
            }
            return Optional.of(new AcmeSpec.Eab(kid.get(), hmac.get()));
        });
        Optional<Path> trust = s.path("trust");
        if (trust.isPresent() && !Files.isRegularFile(trust.get())) {
            s.problemAt("trust", "no such file: " + trust.get());
        }
        AcmeSpec.Challenge challenge = challenge(s).orElse(d.challenge());
        Optional<Duration> renewBefore = s.duration("renew-before");
        Duration checkInterval = s.duration("check-interval").orElse(d.checkInterval());
        if (checkInterval.isZero()) {
            s.problemAt("check-interval", "expected a duration above zero, such as 10m");
            checkInterval = d.checkInterval();
        }
        s.finish();
        if (used) {
            if (!agreeTerms) {
                reading.problem(s.at, s.object, "agree-terms = true is needed for hosts with tls = auto: it says you agree to"
                        + " the terms of service of the CA at " + directory);
            }
            if (directory.equals(AcmeSpec.PRESETS.get("zerossl")) && eab.isEmpty()) {
                reading.problem(s.at, s.object, "ZeroSSL needs eab { kid = ..., hmac-key = ... } from its dashboard"
                        + " (Developer -> EAB credentials)");
            }
            boolean plain = listeners.stream().anyMatch(l -> !l.tls());
            if (challenge == AcmeSpec.Challenge.HTTP_01 && !plain) {
                s.problemAt("challenge", "http-01 needs a plain HTTP listener (the CA connects to port 80)");
            }
        }
        return new AcmeSpec(directory, email, agreeTerms, eab, trust, challenge, renewBefore, checkInterval,
                hostChallenges);
    }

    /** The {@code challenge} of the acme section or of a host: http-01, tls-alpn-01 or auto. */
    static Optional<AcmeSpec.Challenge> challenge(Section s) {
        return s.choice("challenge", CHALLENGES)
                .map(c -> AcmeSpec.Challenge.valueOf(c.toUpperCase(Locale.ROOT).replace('-', '_')));
    }
}
