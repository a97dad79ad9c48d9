package dev.container.deploy;

import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.FilterInfo;
import io.undertow.servlet.api.HttpMethodSecurityInfo;
import io.undertow.servlet.api.ListenerInfo;
import io.undertow.servlet.api.SecurityInfo;
import io.undertow.servlet.api.ServletInfo;
import io.undertow.servlet.api.ServletSecurityInfo;
import io.undertow.servlet.api.TransportGuaranteeType;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.Servlet;
import jakarta.servlet.annotation.HttpMethodConstraint;
import jakarta.servlet.annotation.MultipartConfig;
import jakarta.servlet.annotation.ServletSecurity;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.annotation.WebInitParam;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.annotation.WebServlet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EventListener;
import java.util.List;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;

/**
 * Adds the servlets, filters and listeners an application declares with annotations
 * (Servlet 6.0 §8.1) to a {@link DeploymentInfo} that already holds its web.xml. The index finds
 * the classes without loading them; the annotation values are then read by reflection from the
 * loaded (not initialised) class. web.xml wins where both speak (§8.2.3): its URL mappings replace
 * an annotation's, its init-params override.
 */
final class AnnotatedComponents {
    private final IndexView index;
    private final DeploymentInfo info;
    private final ClassLoader loader;
    private final String appName;

    private AnnotatedComponents(IndexView index, DeploymentInfo info, ClassLoader loader, String appName) {
        this.index = index;
        this.info = info;
        this.loader = loader;
        this.appName = appName;
    }

    static void apply(IndexView index, DeploymentInfo info, ClassLoader loader, String appName)
            throws DeploymentError {
        var components = new AnnotatedComponents(index, info, loader, appName);
        components.servlets();
        components.filters();
        components.listeners();
    }

    /** @MultipartConfig and @ServletSecurity on every servlet class, declared in web.xml or annotated. */
    static void applyServletClassAnnotations(DeploymentInfo info) {
        for (ServletInfo servlet : info.getServlets().values()) {
            Class<?> type = servlet.getServletClass();
            MultipartConfig multipart = type.getAnnotation(MultipartConfig.class);
            if (multipart != null && servlet.getMultipartConfig() == null) {
                servlet.setMultipartConfig(new MultipartConfigElement(multipart));
            }
            ServletSecurity security = type.getAnnotation(ServletSecurity.class);
            if (security != null && servlet.getServletSecurityInfo() == null) {
                servlet.setServletSecurityInfo(securityInfo(security));
            }
        }
    }

    private void servlets() throws DeploymentError {
        for (Class<?> type : annotatedClasses(WebServlet.class)) {
            WebServlet annotation = type.getAnnotation(WebServlet.class);
            if (!Servlet.class.isAssignableFrom(type)) {
                throw new DeploymentError(appName + ": @WebServlet on " + type.getName() + ", which is not a Servlet");
            }
            String name = annotation.name().isEmpty() ? type.getName() : annotation.name();
            String[] patterns = annotation.value().length > 0 ? annotation.value() : annotation.urlPatterns();
            ServletInfo declared = info.getServlets().get(name);
            if (declared != null) {
                if (declared.getMappings().isEmpty()) {
                    declared.addMappings(patterns);
                }
                addMissing(annotation.initParams(), declared.getInitParams().keySet(), declared::addInitParam);
                continue;
            }
            if (patterns.length == 0) {
                throw new DeploymentError(appName + ": @WebServlet on " + type.getName() + " declares no URL pattern");
            }
            @SuppressWarnings("unchecked")
            ServletInfo servlet = Servlets.servlet(name, (Class<? extends Servlet>) type)
                    .addMappings(patterns)
                    .setAsyncSupported(annotation.asyncSupported());
            if (annotation.loadOnStartup() >= 0) {
                servlet.setLoadOnStartup(annotation.loadOnStartup());
            }
            for (WebInitParam p : annotation.initParams()) {
                servlet.addInitParam(p.name(), p.value());
            }
            info.addServlet(servlet);
        }
    }

    private void filters() throws DeploymentError {
        for (Class<?> type : annotatedClasses(WebFilter.class)) {
            WebFilter annotation = type.getAnnotation(WebFilter.class);
            if (!Filter.class.isAssignableFrom(type)) {
                throw new DeploymentError(appName + ": @WebFilter on " + type.getName() + ", which is not a Filter");
            }
            String name = annotation.filterName().isEmpty() ? type.getName() : annotation.filterName();
            FilterInfo declared = info.getFilters().get(name);
            if (declared != null) {
                addMissing(annotation.initParams(), declared.getInitParams().keySet(), declared::addInitParam);
                // web.xml's filter-mappings for this name, if any, already stand; add ours only when it has none.
                if (hasFilterMappings(name)) {
                    continue;
                }
            } else {
                @SuppressWarnings("unchecked")
                FilterInfo filter = new FilterInfo(name, (Class<? extends Filter>) type)
                        .setAsyncSupported(annotation.asyncSupported());
                for (WebInitParam p : annotation.initParams()) {
                    filter.addInitParam(p.name(), p.value());
                }
                info.addFilter(filter);
            }
            String[] patterns = annotation.value().length > 0 ? annotation.value() : annotation.urlPatterns();
            if (patterns.length == 0 && annotation.servletNames().length == 0) {
                throw new DeploymentError(appName + ": @WebFilter on " + type.getName()
                        + " declares neither a URL pattern nor a servlet name");
            }
            for (DispatcherType dispatcher : annotation.dispatcherTypes()) {
                for (String pattern : patterns) {
                    info.addFilterUrlMapping(name, pattern, dispatcher);
                }
                for (String servletName : annotation.servletNames()) {
                    info.addFilterServletNameMapping(name, servletName, dispatcher);
                }
            }
        }
    }

    private void listeners() throws DeploymentError {
        for (Class<?> type : annotatedClasses(WebListener.class)) {
            if (!EventListener.class.isAssignableFrom(type)) {
                throw new DeploymentError(appName + ": @WebListener on " + type.getName() + ", which is not a listener");
            }
            boolean declared = info.getListeners().stream().anyMatch(l -> l.getListenerClass() == type);
            if (!declared) {
                @SuppressWarnings("unchecked")
                var listener = new ListenerInfo((Class<? extends EventListener>) type);
                info.addListener(listener);
            }
        }
    }

    private boolean hasFilterMappings(String filterName) {
        return info.getFilterMappings().stream().anyMatch(m -> m.getFilterName().equals(filterName));
    }

    /** Classes carrying the annotation, in name order so deployments are reproducible. */
    private List<Class<?>> annotatedClasses(Class<?> annotation) throws DeploymentError {
        List<String> names = new ArrayList<>();
        for (AnnotationInstance instance : index.getAnnotations(DotName.createSimple(annotation.getName()))) {
            if (instance.target().kind() == AnnotationTarget.Kind.CLASS) {
                names.add(instance.target().asClass().name().toString());
            }
        }
        names.sort(Comparator.naturalOrder());
        List<Class<?>> classes = new ArrayList<>(names.size());
        for (String name : names) {
            try {
                classes.add(Class.forName(name, false, loader));
            } catch (ClassNotFoundException | LinkageError e) {
                throw new DeploymentError(appName + ": cannot load @" + annotation.getSimpleName() + " class "
                        + name + " (" + e + ")", e);
            }
        }
        return classes;
    }

    private static void addMissing(WebInitParam[] params, java.util.Set<String> present,
                                   java.util.function.BiConsumer<String, String> add) {
        for (WebInitParam p : params) {
            if (!present.contains(p.name())) {
                add.accept(p.name(), p.value());
            }
        }
    }

    private static ServletSecurityInfo securityInfo(ServletSecurity security) {
        var result = new ServletSecurityInfo();
        copy(security.value().value(), security.value().rolesAllowed(),
                security.value().transportGuarantee(), result);
        for (HttpMethodConstraint method : security.httpMethodConstraints()) {
            var methodInfo = new HttpMethodSecurityInfo().setMethod(method.value());
            copy(method.emptyRoleSemantic(), method.rolesAllowed(), method.transportGuarantee(), methodInfo);
            result.addHttpMethodSecurityInfo(methodInfo);
        }
        return result;
    }

    private static void copy(ServletSecurity.EmptyRoleSemantic semantic, String[] roles,
                             ServletSecurity.TransportGuarantee guarantee, SecurityInfo<?> into) {
        into.setEmptyRoleSemantic(semantic == ServletSecurity.EmptyRoleSemantic.DENY
                ? SecurityInfo.EmptyRoleSemantic.DENY : SecurityInfo.EmptyRoleSemantic.PERMIT);
        into.setTransportGuaranteeType(guarantee == ServletSecurity.TransportGuarantee.CONFIDENTIAL
                ? TransportGuaranteeType.CONFIDENTIAL : TransportGuaranteeType.NONE);
        into.addRolesAllowed(roles);
    }
}
