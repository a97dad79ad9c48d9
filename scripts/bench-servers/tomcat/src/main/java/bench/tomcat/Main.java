package bench.tomcat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;

/**
 * Embedded Tomcat 10.1 with its defaults: the hello WAR deployed as Tomcat deploys any WAR
 * (unpacked under WORK_DIR, web.xml and annotation scanning) at /hello, and the static directory
 * at / through Tomcat's DefaultServlet with its default resource cache.
 *
 * <p>One departure: Tomcat's built-in default web.xml also declares the JSP servlet, which is not
 * in tomcat-embed-core; left in, it fails to load with a logged stack trace on every start. So
 * each context gets that default web.xml's other parts by hand: the DefaultServlet at / and the
 * MIME mappings.
 *
 * <p>Usage: {@code Main PORT STATIC_DIR WORK_DIR HELLO_WAR}. Listens on 127.0.0.1 until killed.
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path staticDir = Path.of(args[1]);
        Path work = Path.of(args[2]);
        Path war = Path.of(args[3]);

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(work.toString());
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        // Tomcat unpacks WARs into the host's appBase but does not create it.
        Files.createDirectories(work.resolve("webapps"));

        tomcat.setAddDefaultWebXmlToWebapp(false);
        withDefaults(tomcat.addWebapp("/hello", war.toAbsolutePath().toString()));
        withDefaults(tomcat.addContext("", staticDir.toAbsolutePath().toString()));

        tomcat.start();
        tomcat.getServer().await();
    }

    /** What Tomcat's default web.xml gives every context, minus the JSP servlet. */
    private static void withDefaults(Context context) {
        Tomcat.addServlet(context, "default", new DefaultServlet()).setLoadOnStartup(1);
        context.addServletMappingDecoded("/", "default");
        Tomcat.addDefaultMimeTypeMappings(context);
    }
}
