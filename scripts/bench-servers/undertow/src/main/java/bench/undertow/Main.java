package bench.undertow;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.handlers.resource.PathResourceManager;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import java.nio.file.Path;
import samples.hello.HelloServlet;

/**
 * Bare embedded Undertow with default settings: the floor that container's overhead is measured
 * against. The hello servlet at /hello/plaintext through a plain DeploymentInfo, and the static
 * directory at / through Undertow's ResourceHandler (no caching resource manager, as by default).
 *
 * <p>Usage: {@code Main PORT STATIC_DIR}. Listens on 127.0.0.1 until the process is killed.
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path staticDir = Path.of(args[1]);

        DeploymentInfo hello = Servlets.deployment()
                .setClassLoader(Main.class.getClassLoader())
                .setContextPath("/hello")
                .setDeploymentName("hello.war")
                .addServlet(Servlets.servlet("hello", HelloServlet.class).addMapping("/plaintext"));
        DeploymentManager manager = Servlets.defaultContainer().addDeployment(hello);
        manager.deploy();

        Undertow.builder()
                .addHttpListener(port, "127.0.0.1")
                .setHandler(Handlers.path(Handlers.resource(new PathResourceManager(staticDir)))
                        .addPrefixPath("/hello", manager.start()))
                .build()
                .start();
    }
}
