package dev.container.acme;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where ACME state lives on disk, under {@code STATE/acme/CA/} where CA names the directory URL
 * (so a switch from staging to production does not mix accounts): {@code account.key} (the
 * account's key pair, PEM, 0600), and per certificate {@code certificates/NAME/certificate.pem}
 * (0600): the chain, leaf first, and its private key in one file, NAME being the host's first name.
 * One file, so that one rename replaces chain and key together: a crash between two writes
 * could leave a new key beside the old chain. Every file is written to a temporary file in the same directory, forced to disk,
 * then renamed over the old one, so a crash leaves the old file or the new one, never half of one.
 * Thread-safe (each write is one rename).
 */
public final class AcmeStorage {
    private final Path root;

    /** The storage of the CA at directory, under the state directory. */
    public AcmeStorage(Path stateDir, URI directory) {
        this.root = acmeDir(stateDir).resolve(caId(directory));
    }

    /** {@code STATE/acme}: every CA's storage. */
    public static Path acmeDir(Path stateDir) {
        return stateDir.resolve("acme");
    }

    /** A directory name for a CA: its URL's host, port and path, with anything odd replaced. */
    static String caId(URI directory) {
        String id = directory.getHost() + (directory.getPort() > 0 ? "-" + directory.getPort() : "")
                + (directory.getPath() == null ? "" : directory.getPath());
        return id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-").replaceAll("^-+|-+$", "");
    }

    public Path root() {
        return root;
    }

    public Path accountKey() {
        return root.resolve("account.key");
    }

    /** The directory of the certificate whose first name is name. */
    public Path certificateDir(String name) {
        return root.resolve("certificates").resolve(name.toLowerCase(Locale.ROOT).replace('*', '_'));
    }

    /** The chain and key of the certificate whose first name is name. */
    public Path pemFile(String name) {
        return certificateDir(name).resolve(PEM_FILE);
    }

    static final String PEM_FILE = "certificate.pem";

    /** Every stored certificate's directory, under every CA of the state directory (for {@code container certs}). */
    public static List<Path> allCertificateDirs(Path stateDir) throws IOException {
        List<Path> dirs = new ArrayList<>();
        Path acme = acmeDir(stateDir);
        if (!Files.isDirectory(acme)) {
            return dirs;
        }
        try (Stream<Path> cas = Files.list(acme)) {
            for (Path ca : cas.sorted().toList()) {
                Path certs = ca.resolve("certificates");
                if (Files.isDirectory(certs)) {
                    try (Stream<Path> each = Files.list(certs)) {
                        each.filter(Files::isDirectory).sorted().forEach(dirs::add);
                    }
                }
            }
        }
        return dirs;
    }
}

