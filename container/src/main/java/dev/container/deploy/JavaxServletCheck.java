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
 * loaded, so it is migrated to jakarta.* ({@link JakartaMigration}) or refused with one message
 * that says what to do, never left to fail with a NoClassDefFoundError for the first javax class
 * something touches. An app counts as javax when its classes extend or implement the javax
 * servlet types and none does the jakarta ones: a Jakarta app whose library carries an optional
 * javax integration (some do) deploys as it is. Stateless.
 */
final class JavaxServletCheck {
    /** The types an app's servlets, filters, listeners and initializers build on, without a package. */
    private static final List<String> TYPES = List.of(
            "Servlet", "GenericServlet", "http.HttpServlet", "Filter", "GenericFilter", "http.HttpFilter",
            "ServletContextListener", "ServletRequestListener", "http.HttpSessionListener",
            "ServletContainerInitializer");

    private static final String BUILT_FOR = ": built for javax.servlet (Java EE 8 or older: ";

    private JavaxServletCheck() {
    }

    /**
     * "a.B extends javax.servlet.http.HttpServlet", the first such class by name, when the app is
     * built for javax.servlet; empty for a Jakarta app.
     */
    static Optional<String> javaxUser(IndexView index) {
        Optional<String> javax = firstUser(index, "javax.servlet.");
        return javax.isPresent() && firstUser(index, "jakarta.servlet.").isEmpty() ? javax : Optional.empty();
    }

    /** Why a javax app whose migration is off ({@code migrate = false}, {@code --no-migrate}) is refused. */
    static DeploymentError notMigrated(String appName, String javaxUser) {
        return new DeploymentError(appName + BUILT_FOR + javaxUser + "); this container runs Jakarta Servlet 6, so"
                + " migrate the WAR to jakarta.* first, for example with Apache Tomcat's jakartaee-migration tool"
                + " (migration at deploy is off for this app: migrate = false or --no-migrate)");
    }

    /** Why a javax app in an exploded directory is refused: only WAR files are migrated. */
    static DeploymentError exploded(String appName, String javaxUser) {
        return new DeploymentError(appName + BUILT_FOR + javaxUser + "); this container runs Jakarta Servlet 6 and"
                + " migrates javax WAR files at deploy, not exploded directories: give it the WAR, or migrate the"
                + " directory first with Apache Tomcat's jakartaee-migration tool (java -jar"
                + " jakartaee-migration-1.0.9-shaded.jar DIR NEW-DIR)");
    }

    /** Why an app that still uses javax.servlet after its migration is refused. */
    static DeploymentError stillJavax(String appName, String javaxUser) {
        return new DeploymentError(appName + BUILT_FOR + javaxUser + ") even after its migration to jakarta.*;"
                + " this container runs Jakarta Servlet 6");
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
