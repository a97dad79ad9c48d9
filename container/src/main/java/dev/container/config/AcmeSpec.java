package dev.container.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How certificates of hosts with {@code tls = auto} are obtained: the ACME directory, the account's
 * contact and the CA's terms, External Account Binding (ZeroSSL), an extra trust anchor for the
 * CA's own HTTPS (a private or test CA), the challenge, and the renewal schedule. Immutable.
 *
 * @param directory the CA's ACME directory URL (presets resolved, see {@link #PRESETS})
 * @param email the account's contact, if any
 * @param agreeTerms whether the user agreed to the CA's terms of service (an account needs it)
 * @param eab External Account Binding: key id and base64url HMAC key
 * @param trust a PEM file of extra CA certificates trusted for the directory's HTTPS
 * @param challenge which challenge to answer
 * @param renewBefore renew when this little is left before expiry, instead of a third of the lifetime
 * @param checkInterval how often the maintenance loop looks at every certificate
 * @param hostChallenges the challenge of hosts that chose their own (host id to challenge), else {@code challenge}
 */
public record AcmeSpec(URI directory, Optional<String> email, boolean agreeTerms, Optional<Eab> eab,
                       Optional<Path> trust, Challenge challenge, Optional<Duration> renewBefore,
                       Duration checkInterval, Map<String, Challenge> hostChallenges) {
    /** Settings where every host answers the same challenge. */
    public AcmeSpec(URI directory, Optional<String> email, boolean agreeTerms, Optional<Eab> eab,
                    Optional<Path> trust, Challenge challenge, Optional<Duration> renewBefore, Duration checkInterval) {
        this(directory, email, agreeTerms, eab, trust, challenge, renewBefore, checkInterval, Map.of());
    }

    /** Let's Encrypt, the default CA. */
    public static final URI LETSENCRYPT = URI.create("https://acme-v02.api.letsencrypt.org/directory");
    /** The names the directory key takes besides a URL. */
    public static final Map<String, URI> PRESETS = Map.of(
            "letsencrypt", LETSENCRYPT,
            "letsencrypt-staging", URI.create("https://acme-staging-v02.api.letsencrypt.org/directory"),
            "zerossl", URI.create("https://acme.zerossl.com/v2/DV90"));
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofMinutes(10);
    /** The defaults: Let's Encrypt, terms not agreed, whichever challenge is reachable, every 10 minutes. */
    public static final AcmeSpec DEFAULT = new AcmeSpec(LETSENCRYPT, Optional.empty(), false, Optional.empty(),
            Optional.empty(), Challenge.AUTO, Optional.empty(), DEFAULT_CHECK_INTERVAL);

    /** External Account Binding (RFC 8555 §7.3.4), as ZeroSSL requires. */
    public record Eab(String kid, String hmacKey) {
        @Override
        public String toString() {
            return "Eab[kid=" + kid + ", hmacKey=(hidden)]"; // never log the key
        }
    }

    /** The challenge to answer: http-01 on a plain listener, tls-alpn-01 on an HTTPS one, or what is there. */
    public enum Challenge {
        HTTP_01, TLS_ALPN_01, AUTO;

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public AcmeSpec {
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("check-interval must be positive, got " + checkInterval);
        }
        hostChallenges = Map.copyOf(hostChallenges);
    }

    public AcmeSpec withEmail(String address) {
        return new AcmeSpec(directory, Optional.of(address), agreeTerms, eab, trust, challenge, renewBefore, checkInterval,
                hostChallenges);
    }

    public AcmeSpec withTermsAgreed() {
        return new AcmeSpec(directory, email, true, eab, trust, challenge, renewBefore, checkInterval, hostChallenges);
    }

    /** These settings with the challenges some hosts chose for themselves (host id to challenge). */
    public AcmeSpec withHostChallenges(Map<String, Challenge> chosen) {
        return new AcmeSpec(directory, email, agreeTerms, eab, trust, challenge, renewBefore, checkInterval, chosen);
    }

    /** The challenge the host of this id answers: its own choice, else the section's. */
    public Challenge challengeFor(String hostId) {
        return hostChallenges.getOrDefault(hostId, challenge);
    }

    /** Whether some host may answer tls-alpn-01, so the HTTPS listeners must watch for acme-tls/1. */
    public boolean mayUseTlsAlpn() {
        return challenge != Challenge.HTTP_01 || hostChallenges.values().stream().anyMatch(c -> c != Challenge.HTTP_01);
    }
}
