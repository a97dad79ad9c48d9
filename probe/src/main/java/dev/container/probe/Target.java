package dev.container.probe;

import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The server under test: its listeners (any may be absent; the probes that need it are skipped)
 * and the paths the probes use.
 *
 * @param http           a plain HTTP/1.1 listener
 * @param https          a TLS listener offering h2 and http/1.1 by ALPN
 * @param h2c            a plain listener that speaks HTTP/2 by prior knowledge
 * @param tls            trusts the HTTPS listener's certificate (a test CA given with --cacert)
 * @param host           the Host header (and SNI name) to send
 * @param file           a static file that exists: the "normal request" that must keep working
 * @param sink           a path that reads a POSTed body and answers 2xx (an app's servlet)
 * @param app            the context path of an app, for WEB-INF probes
 * @param secret         a file name that exists just outside the static root; traversal must never reach it
 * @param secretMarker   text inside the secret file, which no response may contain
 * @param requestTimeout the server's limit for sending a request's head (slow clients are cut after it)
 * @param bodyTimeout    the server's limit between two reads of a request body
 * @param writeTimeout   the server's limit for a response that makes no progress (a client that does not read)
 */
public record Target(Optional<Endpoint> http, Optional<Endpoint> https, Optional<Endpoint> h2c, SSLContext tls,
                     String host, String file, String sink, Optional<String> app, Optional<String> secret,
                     String secretMarker, Duration requestTimeout, Duration bodyTimeout,
                     Duration writeTimeout) {
    /** The plain listener, else the TLS one: where HTTP/1.1 probes go when either will do. */
    public Endpoint anyHttp1() {
        return http.or(() -> https).orElseThrow();
    }
}
