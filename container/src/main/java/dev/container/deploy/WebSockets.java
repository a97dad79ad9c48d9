package dev.container.deploy;

import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.websockets.jsr.WebSocketDeploymentInfo;
import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;

/**
 * Jakarta WebSocket 2.1 for one app through undertow-websockets-jsr: finds the app's endpoints in
 * the class index as the spec's scan does (§6.2: {@code @ServerEndpoint} classes, {@link Endpoint}
 * subclasses, {@link ServerApplicationConfig}s), and hands them to Undertow's {@code Bootstrap}
 * extension with the server's I/O threads and buffers. Every app gets a
 * {@code jakarta.websocket.server.ServerContainer} context attribute, so listeners and initializers
 * can add endpoints themselves, as on Tomcat.
 *
 * <p>Which endpoints deploy: with no {@code ServerApplicationConfig}, every {@code @ServerEndpoint}
 * class; with some, exactly what they return, from the annotated classes and the {@code Endpoint}
 * subclasses found. Call once per deployment, before it deploys; not thread-safe.
 */
final class WebSockets {
    private WebSockets() {
    }

    static void apply(IndexView index, DeploymentInfo info, ClassLoader loader, IoResources io, String appName)
            throws DeploymentError {
        Set<Class<?>> annotated = concrete(loadAll(names(index.getAnnotations(DotName.createSimple(
                ServerEndpoint.class.getName()))), loader, appName), Object.class, "@ServerEndpoint", appName);
        Set<Class<?>> configs = concrete(loadAll(classNames(index.getAllKnownImplementations(
                DotName.createSimple(ServerApplicationConfig.class.getName()))), loader, appName),
                ServerApplicationConfig.class, "ServerApplicationConfig", appName);
        var endpoints = new WebSocketDeploymentInfo()
                .setWorker(io.worker())
                .setBuffers(io.buffers());
        if (configs.isEmpty()) {
            endpoints.addAnnotatedEndpoints(annotated);
        } else {
            Set<Class<? extends Endpoint>> programmatic = new LinkedHashSet<>();
            for (Class<?> type : loadAll(classNames(index.getAllKnownSubclasses(
                    DotName.createSimple(Endpoint.class.getName()))), loader, appName)) {
                if (isConcrete(type)) {
                    programmatic.add(type.asSubclass(Endpoint.class));
                }
            }
            Set<Class<?>> chosen = new LinkedHashSet<>();
            Set<ServerEndpointConfig> configured = new LinkedHashSet<>();
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                for (Class<?> type : configs) {
                    ServerApplicationConfig config = instantiate(type.asSubclass(ServerApplicationConfig.class), appName);
                    Set<Class<?>> classes = config.getAnnotatedEndpointClasses(Set.copyOf(annotated));
                    if (classes != null) {
                        chosen.addAll(classes);
                    }
                    Set<ServerEndpointConfig> configsOf = config.getEndpointConfigs(Set.copyOf(programmatic));
                    if (configsOf != null) {
                        configured.addAll(configsOf);
                    }
                }
            } finally {
                thread.setContextClassLoader(previous);
            }
            endpoints.addAnnotatedEndpoints(chosen);
            endpoints.addProgramaticEndpoints(configured);
        }
        info.addServletContextAttribute(WebSocketDeploymentInfo.ATTRIBUTE_NAME, endpoints);
    }

    private static List<String> names(Iterable<AnnotationInstance> uses) {
        List<String> names = new ArrayList<>();
        for (AnnotationInstance use : uses) {
            if (use.target().kind() == AnnotationTarget.Kind.CLASS) {
                names.add(use.target().asClass().name().toString());
            }
        }
        return names;
    }

    private static List<String> classNames(Iterable<ClassInfo> classes) {
        List<String> names = new ArrayList<>();
        classes.forEach(c -> names.add(c.name().toString()));
        return names;
    }

    /** In name order, so deployments are reproducible. */
    private static List<Class<?>> loadAll(List<String> names, ClassLoader loader, String appName) throws DeploymentError {
        List<Class<?>> classes = new ArrayList<>();
        for (String name : names.stream().distinct().sorted(Comparator.naturalOrder()).toList()) {
            try {
                classes.add(Class.forName(name, false, loader));
            } catch (ClassNotFoundException | LinkageError e) {
                throw new DeploymentError(appName + ": cannot load WebSocket class " + name + " (" + e + ")", e);
            }
        }
        return classes;
    }

    private static Set<Class<?>> concrete(List<Class<?>> classes, Class<?> required, String what, String appName)
            throws DeploymentError {
        Set<Class<?>> result = new LinkedHashSet<>();
        for (Class<?> type : classes) {
            if (!isConcrete(type)) {
                continue;
            }
            if (!required.isAssignableFrom(type)) {
                throw new DeploymentError(appName + ": " + type.getName() + " is not a " + what);
            }
            result.add(type);
        }
        return result;
    }

    private static boolean isConcrete(Class<?> type) {
        return !type.isInterface() && !Modifier.isAbstract(type.getModifiers()) && Modifier.isPublic(type.getModifiers());
    }

    private static ServerApplicationConfig instantiate(Class<? extends ServerApplicationConfig> type, String appName)
            throws DeploymentError {
        try {
            return type.getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            throw new DeploymentError(appName + ": cannot create ServerApplicationConfig " + type.getName() + ": "
                    + WarDeployment.describe(e), e);
        }
    }
}
