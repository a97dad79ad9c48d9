package dev.container.acme;

import dev.container.StartupError;
import dev.container.tls.KeyedCertificate;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the state directory holds of ACME certificates, read from disk without a server or a CA:
 * for {@code container certs} and {@code container validate}. Stateless.
 */
public final class StoredCertificates {
    /**
     * One stored certificate.
     *
     * @param host the directory it is stored under (the host's first name)
     * @param names the names it covers (empty when it does not read)
     * @param issuer the issuer's common name ("" when it does not read)
     * @param notAfter its expiry (null when it does not read)
     * @param state valid, renewal due, expired, or unreadable with the reason
     */
    public record Entry(String host, List<String> names, String issuer, Instant notAfter, String state, Path file) {
    }

    private StoredCertificates() {
    }

    /** Every certificate under stateDir/acme, in name order; renewBefore as the acme section's. */
    public static List<Entry> list(Path stateDir, Optional<Duration> renewBefore, Instant now) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (Path dir : AcmeStorage.allCertificateDirs(stateDir)) {
            Path file = dir.resolve(AcmeStorage.PEM_FILE);
            String host = dir.getFileName().toString();
            try {
                KeyedCertificate stored = KeyedCertificate.read(file, file);
                Instant notBefore = stored.leaf().getNotBefore().toInstant();
                Instant notAfter = stored.leaf().getNotAfter().toInstant();
                String state = !now.isBefore(notAfter) ? "expired"
                        : RenewalPolicy.due(now, notBefore, notAfter, renewBefore, Optional.empty()) ? "renewal due"
                        : "valid";
                entries.add(new Entry(host, List.copyOf(stored.names()), CertificateInfo.issuer(stored.leaf()), notAfter,
                        state, file));
            } catch (StartupError e) {
                entries.add(new Entry(host, List.of(), "", null, "unreadable (" + e.getMessage()
                        + "); the server orders a new one", file));
            }
        }
        return entries;
    }
}
