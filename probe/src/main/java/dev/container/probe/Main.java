package dev.container.probe;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code probe --http http://127.0.0.1:8080/ [--https ...] [--h2c ...]}: sends every hostile
 * request shape of the suite to a running server and prints PASS/FAIL per probe and a total.
 * Exit status 0 when nothing failed, 1 when something did, 2 for bad arguments.
 */
@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Sends malformed and malicious HTTP/1.1 and HTTP/2 requests to a running server and checks each answer.")
public final class Main implements Callable<Integer> {
    @Option(names = "--http", paramLabel = "URL", description = "A plain HTTP/1.1 listener, e.g. http://127.0.0.1:8080/.")
    URI http;
    @Option(names = "--https", paramLabel = "URL", description = "A TLS listener (h2 and http/1.1 by ALPN).")
    URI https;
    @Option(names = "--h2c", paramLabel = "URL", description = "A plain listener that speaks HTTP/2 by prior knowledge.")
    URI h2c;
    @Option(names = "--cacert", paramLabel = "FILE", description = "PEM certificate(s) to trust for --https.")
    Path cacert;
    @Option(names = "--host", paramLabel = "NAME", description = "Host header and SNI name (default: the URL's host).")
    String host;
    @Option(names = "--file", paramLabel = "PATH", defaultValue = "/index.html",
            description = "A static file that exists, at the top of its mount (default: ${DEFAULT-VALUE}).")
    String file;
    @Option(names = "--sink", paramLabel = "PATH", description = "A path that reads a POSTed body (default: --file).")
    String sink;
    @Option(names = "--app", paramLabel = "PATH", description = "An app's context path, for the WEB-INF probes.")
    String app;
    @Option(names = "--secret", paramLabel = "NAME", description = "A file just outside the static root (beside it).")
    String secret;
    @Option(names = "--secret-marker", paramLabel = "TEXT", defaultValue = "PROBE-SECRET",
            description = "Text in the secret file that no response may contain (default: ${DEFAULT-VALUE}).")
    String secretMarker;
    @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "The server's time limit for a request head (default: ${DEFAULT-VALUE}).")
    int requestTimeout;
    @Option(names = "--body-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "The server's time limit between two reads of a body (default: ${DEFAULT-VALUE}).")
    int bodyTimeout;
    @Option(names = "--write-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "The server's time limit for a response that makes no progress (default: ${DEFAULT-VALUE}).")
    int writeTimeout;
    @Option(names = "--only", paramLabel = "PREFIX", description = "Run only probes whose name starts with PREFIX; repeatable.")
    List<String> only = new ArrayList<>();
    @Option(names = "--skip", paramLabel = "PREFIX", description = "Leave out probes whose name starts with PREFIX; repeatable.")
    List<String> skip = new ArrayList<>();
    @Option(names = "--list", description = "List the probes and exit.")
    boolean list;
    @Option(names = "--tsv", description = "Print NAME<TAB>VERDICT<TAB>DETAIL lines and no total.")
    boolean tsv;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Probe> probes = Runner.suite().stream()
                .filter(p -> only.isEmpty() || only.stream().anyMatch(p.name()::startsWith))
                .filter(p -> skip.stream().noneMatch(p.name()::startsWith))
                .toList();
        if (list) {
            probes.forEach(p -> System.out.printf("%-28s %s%n", p.name(), p.what()));
            return 0;
        }
        if (http == null && https == null && h2c == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "give at least one of --http, --https, --h2c");
        }
        if (https != null && cacert == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--https needs --cacert (the probe trusts no server blindly)");
        }
        URI any = http != null ? http : https != null ? https : h2c;
        Target target = new Target(Optional.ofNullable(http).map(Endpoint::of), Optional.ofNullable(https).map(Endpoint::of),
                Optional.ofNullable(h2c).map(Endpoint::of), cacert == null ? SSLContext.getDefault() : trusting(cacert),
                host != null ? host : any.getHost(), file, sink != null ? sink : file, Optional.ofNullable(app),
                Optional.ofNullable(secret), secretMarker, Duration.ofSeconds(requestTimeout), Duration.ofSeconds(bodyTimeout),
                Duration.ofSeconds(writeTimeout));
        List<Outcome> outcomes = new Runner(target, System.out, tsv).run(probes);
        return outcomes.stream().anyMatch(Outcome::failed) ? 1 : 0;
    }

    /** A TLS context that trusts exactly the certificates in a PEM file. */
    static SSLContext trusting(Path pem) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca" + i++, c);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
