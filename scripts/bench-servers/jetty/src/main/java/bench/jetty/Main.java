package bench.jetty;

import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;

/**
 * Embedded Jetty 12 (ee10, Servlet 6.0) with its defaults: the hello WAR in a WebAppContext at
 * /hello (extracted under WORK_DIR), and the static directory at / through the ee10 DefaultServlet.
 *
 * <p>Usage: {@code Main PORT STATIC_DIR WORK_DIR HELLO_WAR}. Listens on 127.0.0.1 until killed.
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path staticDir = Path.of(args[1]);
        Path work = Path.of(args[2]);
        Path war = Path.of(args[3]);

        Server server = new Server();
        ServerConnector http = new ServerConnector(server);
        http.setHost("127.0.0.1");
        http.setPort(port);
        server.addConnector(http);

        WebAppContext hello = new WebAppContext();
        hello.setContextPath("/hello");
        hello.setWar(war.toAbsolutePath().toString());
        hello.setTempDirectory(work.resolve("hello").toFile());

        ServletContextHandler files = new ServletContextHandler("/");
        files.setBaseResourceAsPath(staticDir.toAbsolutePath());
        files.addServlet(DefaultServlet.class, "/");

        server.setHandler(new ContextHandlerCollection(hello, files));
        server.start();
        server.join();
    }
}
