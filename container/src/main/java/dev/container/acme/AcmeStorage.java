package dev.container.acme;

import dev.container.storage.FileStorage;
import dev.container.storage.Storage;
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
 *
 * <p>The same names are kept in a {@link Storage}: with {@code storage { type = files }} (a
 * {@link FileStorage} on the state directory) they are the files above; with
 * {@code storage { type = postgres }} they are rows every node of a cluster reads, the
 * certificate's chain and key encrypted as a secret. A cluster also keeps there the lock a node
 * holds while it orders a host's certificate ({@link #orderLock}) and the key authorizations of
 * pending http-01 challenges ({@link #tokenName}), so that any node can answer the CA.
 */
public final class AcmeStorage {
    /** Where the key authorizations of pending http-01 challenges are, in a shared storage: one per token. */
    static final String TOKENS = "acme/http-01/";

    private final Path root;
    private final Storage storage;
    /** "acme/CA/": the names of this CA's state. */
    private final String prefix;

    /** The storage of the CA at directory, under the state directory (files). */
    public AcmeStorage(Path stateDir, URI directory) {
        this(new FileStorage(stateDir), stateDir, directory);
    }

    /** The storage of the CA at directory in storage (files of stateDir, or a database). */
    public AcmeStorage(Storage storage, Path stateDir, URI directory) {
        this.root = acmeDir(stateDir).resolve(caId(directory));
        this.storage = storage;
        this.prefix = "acme/" + caId(directory) + "/";
    }

    public Storage storage() {
        return storage;
    }

    /** Whether the state is shared by the nodes of a cluster (not the state directory's files). */
    public boolean shared() {
        return !(storage instanceof FileStorage);
    }

    /** The name of the account's key pair. */
    String accountKeyName() {
        return prefix + "account.key";
    }

    /** The name of the chain and key of the certificate whose first name is host. */
    String certificateName(String host) {
        return prefix + "certificates/" + hostDir(host) + "/" + PEM_FILE;
    }

    /** The lock a node holds while it orders the certificate of host: one order per host in the cluster. */
    String orderLock(String host) {
        return prefix + "orders/" + hostDir(host);
    }

    /** The lock around creating the account key, so that the nodes of a new cluster make one account. */
    String accountLock() {
        return prefix + "account";
    }

    /** The name of the key authorization of an http-01 token; empty when the token could not be one (RFC 8555: base64url). */
    static java.util.Optional<String> tokenName(String token) {
        return token.matches("[A-Za-z0-9_-]{1,200}") ? java.util.Optional.of(TOKENS + token) : java.util.Optional.empty();
    }

    /** What a stored name is called in messages: its file, or its name in the database. */
    Path where(String name) {
        return storage instanceof FileStorage files ? files.file(name) : Path.of(name);
    }

    private static String hostDir(String name) {
        return name.toLowerCase(Locale.ROOT).replace('*', '_');
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
        return root.resolve("certificates").resolve(hostDir(name));
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

