package dev.container.deploy;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;

/**
 * Recognises an app built for javax.servlet (Java EE 8 or older) before any of its classes is
 * loaded, so it fails with one message that says what to do rather than with a
 * NoClassDefFoundError for the first javax class something touches. An app counts as javax when
 * its classes extend or implement the javax servlet types and none does the jakarta ones: a
 * Jakarta app whose library carries an optional javax integration (some do) still deploys.
 * Stateless.
 */
final class JavaxServletCheck {
    /** The types an app's servlets, filters, listeners and initializers build on, without a package. */
    private static final List<String> TYPES = List.of(
            "Servlet", "GenericServlet", "http.HttpServlet", "Filter", "GenericFilter", "http.HttpFilter",
            "ServletContextListener", "ServletRequestListener", "http.HttpSessionListener",
            "ServletContainerInitializer");

    private JavaxServletCheck() {
    }

    static void requireJakarta(IndexView index, String appName) throws DeploymentError {
        Optional<String> javax = firstUser(index, "javax.servlet.");
        if (javax.isPresent() && firstUser(index, "jakarta.servlet.").isEmpty()) {
            throw new DeploymentError(appName + ": built for javax.servlet (Java EE 8 or older: " + javax.get()
                    + "); this container runs Jakarta Servlet 6, so migrate the WAR to jakarta.* first,"
                    + " for example with Apache Tomcat's jakartaee-migration tool");
        }
    }

    /** "a.B extends javax.servlet.http.HttpServlet" for the first such class by name, if any. */
    private static Optional<String> firstUser(IndexView index, String apiPackage) {
        return TYPES.stream()
                .flatMap(type -> {
                    DotName name = DotName.createSimple(apiPackage + type);
                    Stream<ClassInfo> users = Stream.concat(index.getKnownDirectSubclasses(name).stream(),
                            index.getKnownDirectImplementations(name).stream());
                    return users.map(c -> c.name() + (name.equals(c.superName()) ? " extends " : " implements ") + name);
                })
                .min(Comparator.naturalOrder());
    }
}
