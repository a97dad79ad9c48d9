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
 */
public record AcmeSpec(URI directory, Optional<String> email, boolean agreeTerms, Optional<Eab> eab,
                       Optional<Path> trust, Challenge challenge, Optional<Duration> renewBefore,
                       Duration checkInterval) {
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
    }

    public AcmeSpec withEmail(String address) {
        return new AcmeSpec(directory, Optional.of(address), agreeTerms, eab, trust, challenge, renewBefore, checkInterval);
    }

    public AcmeSpec withTermsAgreed() {
        return new AcmeSpec(directory, email, true, eab, trust, challenge, renewBefore, checkInterval);
    }
}
