package bench.tomcat;

import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;

/**
 * Embedded Tomcat 10.1 for the idle-connections row of scripts/bench (BENCH_ONLY=conns): the static
 * directory through Tomcat's DefaultServlet, on an HTTP/1.1 connector and an HTTPS connector with
 * HTTP/2 (ALPN h2, JSSE), both with Tomcat's NIO defaults except what holding many idle
 * connections needs: no connection limit (the default is 8,192), and keep-alive and HTTP/2 idle
 * timeouts longer than the benchmark holds its connections.
 *
 * <p>Usage: {@code Conns PORT TLS_PORT STATIC_DIR WORK_DIR CERT_PEM KEY_PEM}. Listens on 127.0.0.1 until killed.
 */
public final class Conns {
    private static final int IDLE_MILLIS = 600_000;

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int tlsPort = Integer.parseInt(args[1]);
        Path staticDir = Path.of(args[2]);
        Path work = Path.of(args[3]);

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(work.toString());
        tomcat.setPort(port);
        idle(tomcat.getConnector());

        Connector https = new Connector();
        https.setPort(tlsPort);
        https.setSecure(true);
        https.setScheme("https");
        https.setProperty("SSLEnabled", "true");
        idle(https);
        SSLHostConfig host = new SSLHostConfig();
        SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.EC);
        certificate.setCertificateFile(args[4]);
        certificate.setCertificateKeyFile(args[5]);
        host.addCertificate(certificate);
        https.addSslHostConfig(host);
        Http2Protocol h2 = new Http2Protocol();
        h2.setKeepAliveTimeout(IDLE_MILLIS);
        https.addUpgradeProtocol(h2);
        tomcat.getService().addConnector(https);

        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context context = tomcat.addContext("", staticDir.toAbsolutePath().toString());
        Tomcat.addServlet(context, "default", new DefaultServlet()).setLoadOnStartup(1);
        context.addServletMappingDecoded("/", "default");
        Tomcat.addDefaultMimeTypeMappings(context);

        tomcat.start();
        tomcat.getServer().await();
    }

    private static void idle(Connector connector) {
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxConnections", "-1");
        connector.setProperty("connectionTimeout", String.valueOf(IDLE_MILLIS));
        connector.setProperty("keepAliveTimeout", String.valueOf(IDLE_MILLIS));
        connector.setProperty("maxKeepAliveRequests", "-1");
    }
}
