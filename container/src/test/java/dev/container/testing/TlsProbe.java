package dev.container.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A TLS client for names that do not resolve: connects to 127.0.0.1 and asks for name by SNI,
 * checking the chain against the trust given and the name against the certificate (as a browser
 * would), offering ALPN h2 and http/1.1. Each connection makes a full handshake.
 */
public final class TlsProbe {
    /** What a handshake showed. */
    public record Result(X509Certificate leaf, List<X509Certificate> chain, String protocol) {
    }

    private TlsProbe() {
    }

    public static Result handshake(SSLContext trust, int port, String name, String... alpn) throws IOException {
        try (SSLSocket socket = open(trust, port, name, alpn)) {
            socket.startHandshake();
            var peer = socket.getSession().getPeerCertificates();
            List<X509Certificate> chain = java.util.Arrays.stream(peer).map(c -> (X509Certificate) c).toList();
            // never resumed: a resumed session shows the certificate of its first handshake, not the one served now
            socket.getSession().invalidate();
            return new Result(chain.get(0), chain, socket.getApplicationProtocol());
        }
    }

    /** A GET of path over a new connection (HTTP/1.1): the status code. */
    public static int get(SSLContext trust, int port, String name, String path) throws IOException {
        try (SSLSocket socket = open(trust, port, name, "http/1.1")) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + name + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            socket.getSession().invalidate();
            return Integer.parseInt(response.substring(9, 12));
        }
    }

    private static SSLSocket open(SSLContext trust, int port, String name, String... alpn) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        plain.setSoTimeout(10_000);
        SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket(plain, name, port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(name)));
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(alpn.length == 0 ? new String[] {"h2", "http/1.1"} : alpn);
        socket.setSSLParameters(parameters);
        return socket;
    }
}
