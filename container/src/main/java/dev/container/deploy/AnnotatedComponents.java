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
import jakarta.annotation.security.DeclareRoles;
import jakarta.annotation.security.RunAs;
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
 * The servlets, filters and listeners an application declares with annotations (Servlet 6.0
 * §8.1), merged with its web.xml as §8.2.3 says: web.xml wins where both speak (its URL mappings
 * replace an annotation's, its init-params override), and a web.xml {@code <servlet>} without a
 * class configures the annotated servlet of that name. The index finds the classes without
 * loading them; the annotation values are then read by reflection from the loaded (not
 * initialised) class. Use: {@link #scan}, {@link #addUndeclared} before
 * {@link DescriptorApplier#apply} (so web.xml mappings may name annotated servlets), then
 * {@link #mergeDeclared}. Not thread-safe.
 */
final class AnnotatedComponents {
    private final List<Annotated<WebServlet>> servlets;
    private final List<Annotated<WebFilter>> filters;
    private final List<Class<?>> listeners;
    private final String appName;

    private record Annotated<A>(String name, Class<?> type, A annotation) {
    }

    private AnnotatedComponents(List<Annotated<WebServlet>> servlets, List<Annotated<WebFilter>> filters,
                                List<Class<?>> listeners, String appName) {
        this.servlets = servlets;
        this.filters = filters;
        this.listeners = listeners;
        this.appName = appName;
    }

    static AnnotatedComponents scan(IndexView index, ClassLoader loader, String appName) throws DeploymentError {
        List<Annotated<WebServlet>> servlets = new ArrayList<>();
        for (Class<?> type : annotatedClasses(index, loader, WebServlet.class, appName)) {
            WebServlet a = type.getAnnotation(WebServlet.class);
            requireType(type, Servlet.class, "@WebServlet", appName);
            servlets.add(new Annotated<>(a.name().isEmpty() ? type.getName() : a.name(), type, a));
        }
        List<Annotated<WebFilter>> filters = new ArrayList<>();
        for (Class<?> type : annotatedClasses(index, loader, WebFilter.class, appName)) {
            WebFilter a = type.getAnnotation(WebFilter.class);
            requireType(type, Filter.class, "@WebFilter", appName);
            filters.add(new Annotated<>(a.filterName().isEmpty() ? type.getName() : a.filterName(), type, a));
        }
        List<Class<?>> listeners = annotatedClasses(index, loader, WebListener.class, appName);
        for (Class<?> type : listeners) {
            requireType(type, EventListener.class, "@WebListener", appName);
        }
        return new AnnotatedComponents(servlets, filters, listeners, appName);
    }

    /** Adds the annotated servlets and filters web.xml does not declare with a class of its own. */
    void addUndeclared(WebDescriptor d, DeploymentInfo info) throws DeploymentError {
        for (Annotated<WebServlet> s : servlets) {
            var declared = servletNamed(d, s.name());
            if (declared.isPresent() && declared.get().servletClass().isPresent()) {
                continue;
            }
            boolean mappedInXml = d.servletMappings().stream().anyMatch(m -> m.servletName().equals(s.name()));
            String[] patterns = patterns(s.annotation().value(), s.annotation().urlPatterns());
            if (patterns.length == 0 && !mappedInXml) {
                throw new DeploymentError(appName + ": @WebServlet on " + s.type().getName() + " declares no URL pattern");
            }
            @SuppressWarnings("unchecked")
            ServletInfo servlet = Servlets.servlet(s.name(), (Class<? extends Servlet>) s.type())
                    .setAsyncSupported(s.annotation().asyncSupported());
            if (!mappedInXml) {
                servlet.addMappings(patterns);
            }
            if (s.annotation().loadOnStartup() >= 0) {
                servlet.setLoadOnStartup(s.annotation().loadOnStartup());
            }
            for (WebInitParam p : s.annotation().initParams()) {
                servlet.addInitParam(p.name(), p.value());
            }
            if (declared.isPresent()) {
                WebDescriptor.Servlet xml = declared.get();
                if (!xml.enabled().orElse(true)) {
                    continue;
                }
                xml.initParams().forEach(p -> servlet.addInitParam(p.name(), p.value()));
                xml.loadOnStartup().ifPresent(servlet::setLoadOnStartup);
                xml.asyncSupported().ifPresent(servlet::setAsyncSupported);
                xml.multipart().ifPresent(m -> servlet.setMultipartConfig(DescriptorApplier.multipartConfig(m)));
                DescriptorApplier.applyIdentity(xml, servlet);
            }
            info.addServlet(servlet);
        }
        for (Annotated<WebFilter> f : filters) {
            var declared = d.filters().stream().filter(x -> x.name().equals(f.name())).findFirst();
            if (declared.isPresent() && declared.get().filterClass().isPresent()) {
                continue;
            }
            @SuppressWarnings("unchecked")
            FilterInfo filter = new FilterInfo(f.name(), (Class<? extends Filter>) f.type())
                    .setAsyncSupported(f.annotation().asyncSupported());
            for (WebInitParam p : f.annotation().initParams()) {
                filter.addInitParam(p.name(), p.value());
            }
            declared.ifPresent(xml -> {
                xml.initParams().forEach(p -> filter.addInitParam(p.name(), p.value()));
                xml.asyncSupported().ifPresent(filter::setAsyncSupported);
            });
            info.addFilter(filter);
        }
    }

    /**
     * After web.xml is applied: fills in what web.xml left unsaid for components it declared with a
     * class, adds annotated filter mappings after web.xml's, the listeners, and the class-level
     * {@code @MultipartConfig}, {@code @ServletSecurity}, {@code @DeclareRoles} and {@code @RunAs}
     * of every servlet (web.xml's run-as wins).
     */
    void mergeDeclared(WebDescriptor d, DeploymentInfo info) throws DeploymentError {
        for (Annotated<WebServlet> s : servlets) {
            ServletInfo servlet = info.getServlets().get(s.name());
            boolean xmlClass = servletNamed(d, s.name()).flatMap(WebDescriptor.Servlet::servletClass).isPresent();
            if (servlet == null || !xmlClass) {
                continue;
            }
            addMissing(s.annotation().initParams(), servlet.getInitParams().keySet(), servlet::addInitParam);
            if (servlet.getMappings().isEmpty()) {
                servlet.addMappings(patterns(s.annotation().value(), s.annotation().urlPatterns()));
            }
        }
        for (Annotated<WebFilter> f : filters) {
            FilterInfo filter = info.getFilters().get(f.name());
            addMissing(f.annotation().initParams(), filter.getInitParams().keySet(), filter::addInitParam);
            if (d.filterMappings().stream().anyMatch(m -> m.filterName().equals(f.name()))) {
                continue;
            }
            String[] patterns = patterns(f.annotation().value(), f.annotation().urlPatterns());
            if (patterns.length == 0 && f.annotation().servletNames().length == 0) {
                throw new DeploymentError(appName + ": @WebFilter on " + f.type().getName()
                        + " declares neither a URL pattern nor a servlet name");
            }
            for (DispatcherType dispatcher : f.annotation().dispatcherTypes()) {
                for (String pattern : patterns) {
                    info.addFilterUrlMapping(f.name(), pattern, dispatcher);
                }
                for (String servletName : f.annotation().servletNames()) {
                    info.addFilterServletNameMapping(f.name(), servletName, dispatcher);
                }
            }
        }
        for (Class<?> type : listeners) {
            if (info.getListeners().stream().noneMatch(l -> l.getListenerClass() == type)) {
                @SuppressWarnings("unchecked")
                var listener = new ListenerInfo((Class<? extends EventListener>) type);
                info.addListener(listener);
            }
        }
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
            // As security-role elements (§15.5.1): what "*" in an auth-constraint stands for.
            DeclareRoles roles = type.getAnnotation(DeclareRoles.class);
            if (roles != null) {
                info.addSecurityRoles(roles.value());
            }
            RunAs runAs = type.getAnnotation(RunAs.class);
            if (runAs != null && servlet.getRunAs() == null) {
                servlet.setRunAs(runAs.value());
            }
        }
    }

    private static java.util.Optional<WebDescriptor.Servlet> servletNamed(WebDescriptor d, String name) {
        return d.servlets().stream().filter(x -> x.name().equals(name)).findFirst();
    }

    private static String[] patterns(String[] value, String[] urlPatterns) {
        return value.length > 0 ? value : urlPatterns;
    }

    private static void requireType(Class<?> type, Class<?> required, String annotation, String appName)
            throws DeploymentError {
        if (!required.isAssignableFrom(type)) {
            throw new DeploymentError(appName + ": " + annotation + " on " + type.getName() + ", which is not a "
                    + required.getSimpleName());
        }
    }

    /** Classes carrying the annotation, in name order so deployments are reproducible. */
    private static List<Class<?>> annotatedClasses(IndexView index, ClassLoader loader, Class<?> annotation,
                                                   String appName) throws DeploymentError {
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
