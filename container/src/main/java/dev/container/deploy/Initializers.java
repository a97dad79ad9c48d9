package dev.container.deploy;

import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.ServletContainerInitializerInfo;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.annotation.HandlesTypes;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds an application's {@link ServletContainerInitializer}s with {@link ServiceLoader} in its
 * own class loader (Servlet 6.0 §8.2.4), and hands each the classes its {@link HandlesTypes}
 * asks for, found in the Jandex index: subclasses and implementations of a type, or classes that
 * use an annotation. This is how Spring's WebApplicationInitializer and Jersey start unmodified.
 */
final class Initializers {
    private static final Logger log = LoggerFactory.getLogger(Initializers.class);

    private Initializers() {
    }

    /**
     * @param excludedJars jars left out by absolute ordering: their initializers do not run
     */
    static void apply(IndexView index, DeploymentInfo info, ClassLoader loader, Set<Path> excludedJars,
                      String appName) throws DeploymentError {
        ServiceLoader<ServletContainerInitializer> services = ServiceLoader.load(ServletContainerInitializer.class, loader);
        try {
            for (var provider : (Iterable<ServiceLoader.Provider<ServletContainerInitializer>>) services.stream()::iterator) {
                Class<? extends ServletContainerInitializer> type = provider.type();
                if (type.getClassLoader() != loader || excludedJars.contains(locationOf(type))) {
                    // The container's own initializers are added by the container, not found by the app.
                    continue;
                }
                info.addServletContainerInitializer(new ServletContainerInitializerInfo(type, handledClasses(type, index, loader)));
            }
        } catch (ServiceConfigurationError e) {
            throw new DeploymentError(appName + ": bad ServletContainerInitializer in META-INF/services ("
                    + e.getMessage() + ")", e);
        }
    }

    private static Set<Class<?>> handledClasses(Class<?> initializer, IndexView index, ClassLoader loader) {
        HandlesTypes handles = initializer.getAnnotation(HandlesTypes.class);
        Set<Class<?>> result = new LinkedHashSet<>();
        if (handles == null) {
            return result;
        }
        for (Class<?> wanted : handles.value()) {
            DotName name = DotName.createSimple(wanted.getName());
            if (wanted.isAnnotation()) {
                for (AnnotationInstance use : index.getAnnotations(name)) {
                    addLoadable(declaringClass(use), loader, result);
                }
            } else {
                Collection<ClassInfo> found = wanted.isInterface()
                        ? index.getAllKnownImplementations(name) : index.getAllKnownSubclasses(name);
                for (ClassInfo c : found) {
                    addLoadable(c.name(), loader, result);
                }
            }
        }
        return result;
    }

    private static DotName declaringClass(AnnotationInstance use) {
        var target = use.target();
        return switch (target.kind()) {
            case CLASS -> target.asClass().name();
            case METHOD -> target.asMethod().declaringClass().name();
            case FIELD -> target.asField().declaringClass().name();
            case METHOD_PARAMETER -> target.asMethodParameter().method().declaringClass().name();
            case RECORD_COMPONENT -> target.asRecordComponent().declaringClass().name();
            case TYPE -> null; // a type-use annotation marks no class of its own
        };
    }

    private static void addLoadable(DotName name, ClassLoader loader, Set<Class<?>> into) {
        if (name == null) {
            return;
        }
        try {
            into.add(Class.forName(name.toString(), false, loader));
        } catch (ClassNotFoundException | LinkageError e) {
            // Libraries index optional integrations whose dependencies the app does not ship
            // (Spring does this often); like Tomcat, such classes are skipped, not fatal.
            log.debug("skipping {} for @HandlesTypes: {}", name, e.toString());
        }
    }

    private static Path locationOf(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
