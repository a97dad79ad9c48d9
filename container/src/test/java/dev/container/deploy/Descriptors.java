package dev.container.deploy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** Builds descriptors from XML text for the deploy tests. */
final class Descriptors {
    static final String WEB_XML = "shop.war!/WEB-INF/web.xml";

    private Descriptors() {}

    /**
     * A Servlet 6.0 web.xml around {@code body}. Line 1 holds the {@code <web-app>} start tag, so
     * the body's first line is line 2 of the file.
     */
    static String webApp(String body) {
        return "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">\n" + body + "</web-app>\n";
    }

    static WebDescriptor parse(String xml) throws DeploymentError {
        return parse(xml, WEB_XML);
    }

    static WebDescriptor parse(String xml, String source) throws DeploymentError {
        return WebXml.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), source);
    }

    static WebDescriptor parseWebApp(String body) throws DeploymentError {
        return parse(webApp(body));
    }

    /** A jar named {@code <file>} whose web-fragment.xml has {@code body} inside {@code <web-fragment>}. */
    static FragmentJar fragmentJar(String file, String body) throws DeploymentError {
        String xml = "<web-fragment xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">\n"
                + body + "</web-fragment>\n";
        return new FragmentJar(Path.of("WEB-INF/lib", file),
                Optional.of(parse(xml, "shop.war!/WEB-INF/lib/" + file + "!/META-INF/web-fragment.xml")));
    }

    /** A jar named {@code <file>} with a web-fragment.xml that says only its name. */
    static FragmentJar named(String file, String name, String ordering) throws DeploymentError {
        return fragmentJar(file, "<name>" + name + "</name>\n" + ordering);
    }

    static FragmentJar plainJar(String file) {
        return new FragmentJar(Path.of("WEB-INF/lib", file), Optional.empty());
    }
}
