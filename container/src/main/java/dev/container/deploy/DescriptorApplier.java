package dev.container.deploy;

import dev.container.deploy.WebDescriptor.AuthConstraint;
import dev.container.deploy.WebDescriptor.CookieConfig;
import dev.container.deploy.WebDescriptor.FilterMapping;
import dev.container.deploy.WebDescriptor.Multipart;
import dev.container.deploy.WebDescriptor.Origin;
import dev.container.deploy.WebDescriptor.Param;
import dev.container.deploy.WebDescriptor.ServletMapping;
import dev.container.deploy.WebDescriptor.SessionConfig;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.ErrorPage;
import io.undertow.servlet.api.FilterInfo;
import io.undertow.servlet.api.ListenerInfo;
import io.undertow.servlet.api.LoginConfig;
import io.undertow.servlet.api.MimeMapping;
import io.undertow.servlet.api.SecurityConstraint;
import io.undertow.servlet.api.SecurityInfo.EmptyRoleSemantic;
import io.undertow.servlet.api.ServletInfo;
import io.undertow.servlet.api.ServletSessionConfig;
import io.undertow.servlet.api.TransportGuaranteeType;
import io.undertow.servlet.api.WebResourceCollection;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.MultipartConfigElement;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Puts a (merged) {@link WebDescriptor} into an Undertow {@link DeploymentInfo}: servlets (with
 * their role refs and run-as), filters, listeners and their mappings, error pages, MIME types,
 * sessions, encodings and security constraints. The JNDI environment is {@link AppNaming}'s. Loads every named class through the application's class loader, so a missing or
 * wrong class fails here, naming the class, the component and the line that declared it.
 *
 * <p>Call it once per deployment, before the DeploymentInfo is deployed; not thread-safe (neither
 * is DeploymentInfo). A servlet or filter declared without a class only configures an annotated one
 * of the same name (§8.2.3): it is left to the annotation merge, together with its servlet-mappings,
 * unless {@code info} already holds that servlet, which then gets the descriptor's mappings. A
 * servlet with {@code <enabled>false</enabled>} is not added at all.
 */
final class DescriptorApplier {
    /**
     * Used when the descriptor declares no welcome files, as Tomcat and Jetty do; {@link JspEngine}
     * adds index.jsp when the app has one.
     */
    static final List<String> DEFAULT_WELCOME_FILES = List.of("index.html", "index.htm");

    private DescriptorApplier() {}

    /** Adds everything in `d` to `info`; classes loaded through `loader`. */
    static void apply(WebDescriptor d, DeploymentInfo info, ClassLoader loader) throws DeploymentError {
        d.displayName().ifPresent(info::setDisplayName);
        d.version().ifPresent(v -> setVersion(info, v));
        d.contextParams().forEach(p -> info.addInitParameter(p.name(), p.value()));
        for (WebDescriptor.Listener l : d.listeners()) {
            info.addListener(new ListenerInfo(load(loader, l.className(), EventListener.class,
                    l.origin(), "listener-class " + l.className())));
        }
        addServlets(d, info, loader);
        addFilters(d, info, loader);
        info.addWelcomePages(d.welcomeFiles().isEmpty() ? DEFAULT_WELCOME_FILES : d.welcomeFiles());
        for (WebDescriptor.ErrorPage e : d.errorPages()) {
            info.addErrorPage(errorPage(e, loader));
        }
        d.mimeMappings().forEach(m -> info.addMimeMapping(new MimeMapping(m.extension(), m.mimeType())));
        applySessionConfig(d.sessionConfig(), info);
        d.localeEncodings().forEach(l -> info.addLocaleCharsetMapping(l.locale(), l.encoding()));
        d.requestCharacterEncoding().ifPresent(info::setDefaultRequestEncoding);
        d.responseCharacterEncoding().ifPresent(info::setDefaultResponseEncoding);
        info.addSecurityRoles(d.securityRoles());
        for (WebDescriptor.SecurityConstraint c : d.securityConstraints()) {
            info.addSecurityConstraint(securityConstraint(c, d.securityRoles()));
        }
        d.loginConfig().ifPresent(l -> info.setLoginConfig(loginConfig(l)));
        if (d.denyUncoveredHttpMethods()) {
            info.setDenyUncoveredHttpMethods(true);
        }
    }

    /** "4.0" -> 4.0, so ServletContext.getEffectiveMajorVersion() reports what the app declared. */
    private static void setVersion(DeploymentInfo info, String version) {
        String[] parts = version.split("\\.");
        try {
            info.setMajorVersion(Integer.parseInt(parts[0]));
            info.setMinorVersion(parts.length > 1 ? Integer.parseInt(parts[1]) : 0);
        } catch (NumberFormatException e) {
            // A version we cannot read is no reason to refuse an app; Undertow's default stays.
        }
    }

    private static void addServlets(WebDescriptor d, DeploymentInfo info, ClassLoader loader) throws DeploymentError {
        Set<String> declared = new HashSet<>(info.getServlets().keySet());
        for (WebDescriptor.Servlet s : d.servlets()) {
            declared.add(s.name());
            // Undertow 2.3 never reads ServletInfo.isEnabled(), so a disabled servlet is one we
            // leave out: its mappings then fall through to the default servlet, a 404.
            if (s.enabled().orElse(true) && (s.servletClass().isPresent() || s.jspFile().isPresent())) {
                info.addServlet(servletInfo(s, loader));
            }
        }
        for (ServletMapping m : d.servletMappings()) {
            if (!declared.contains(m.servletName())) {
                throw new DeploymentError(m.origin() + ": servlet-mapping names servlet \"" + m.servletName()
                        + "\", which is not declared");
            }
            ServletInfo servlet = info.getServlets().get(m.servletName());
            if (servlet != null) {
                servlet.addMappings(m.urlPatterns());
            }
        }
    }

    /** A servlet-class servlet, or a jsp-file one: the JSP servlet for that one page, as on Tomcat. */
    private static ServletInfo servletInfo(WebDescriptor.Servlet s, ClassLoader loader) throws DeploymentError {
        ServletInfo servlet;
        if (s.jspFile().isPresent()) {
            String page = s.jspFile().get();
            servlet = new ServletInfo(s.name(), JspPageServlet.class);
            servlet.addInitParam("jspFile", page.startsWith("/") ? page : "/" + page);
        } else {
            String className = s.servletClass().orElseThrow();
            servlet = new ServletInfo(s.name(), load(loader, className, jakarta.servlet.Servlet.class,
                    s.origin(), "servlet-class " + className + " of servlet \"" + s.name() + "\""));
        }
        s.initParams().forEach(p -> servlet.addInitParam(p.name(), p.value()));
        s.loadOnStartup().ifPresent(servlet::setLoadOnStartup);
        s.asyncSupported().ifPresent(servlet::setAsyncSupported);
        s.multipart().ifPresent(m -> servlet.setMultipartConfig(multipartConfig(m)));
        applyIdentity(s, servlet);
        return servlet;
    }

    /**
     * The servlet's security-role-refs, which Undertow's isUserInRole follows from the name the
     * code asks about to the application role, and its run-as role (ServletRegistration.getRunAsRole).
     */
    static void applyIdentity(WebDescriptor.Servlet s, ServletInfo servlet) {
        s.roleRefs().forEach(r -> servlet.addSecurityRoleRef(r.name(), r.linkedRole()));
        s.runAs().ifPresent(servlet::setRunAs);
    }

    static MultipartConfigElement multipartConfig(Multipart m) {
        return new MultipartConfigElement(m.location(), m.maxFileSize(), m.maxRequestSize(), m.fileSizeThreshold());
    }

    private static void addFilters(WebDescriptor d, DeploymentInfo info, ClassLoader loader) throws DeploymentError {
        Set<String> declared = new HashSet<>(info.getFilters().keySet());
        for (WebDescriptor.Filter f : d.filters()) {
            declared.add(f.name());
            if (f.filterClass().isPresent()) {
                String className = f.filterClass().get();
                FilterInfo filter = new FilterInfo(f.name(), load(loader, className, jakarta.servlet.Filter.class,
                        f.origin(), "filter-class " + className + " of filter \"" + f.name() + "\""));
                f.initParams().forEach(p -> filter.addInitParam(p.name(), p.value()));
                f.asyncSupported().ifPresent(filter::setAsyncSupported);
                info.addFilter(filter);
            }
        }
        // Undertow keeps url-pattern and servlet-name mappings in two lists, each in the order added,
        // which is the order §6.2.4 requires: url-pattern mappings first, then servlet-name ones.
        for (FilterMapping m : d.filterMappings()) {
            if (!declared.contains(m.filterName())) {
                throw new DeploymentError(m.origin() + ": filter-mapping names filter \"" + m.filterName()
                        + "\", which is not declared");
            }
            for (String pattern : m.urlPatterns()) {
                for (DispatcherType dispatcher : m.dispatchers()) {
                    info.addFilterUrlMapping(m.filterName(), pattern, dispatcher);
                }
            }
            for (String servletName : m.servletNames()) {
                for (DispatcherType dispatcher : m.dispatchers()) {
                    info.addFilterServletNameMapping(m.filterName(), servletName, dispatcher);
                }
            }
        }
    }

    private static ErrorPage errorPage(WebDescriptor.ErrorPage e, ClassLoader loader) throws DeploymentError {
        if (e.errorCode().isPresent()) {
            return new ErrorPage(e.location(), e.errorCode().get());
        }
        if (e.exceptionType().isPresent()) {
            String type = e.exceptionType().get();
            return new ErrorPage(e.location(), load(loader, type, Throwable.class, e.origin(),
                    "exception-type " + type + " of error-page " + e.location()));
        }
        return new ErrorPage(e.location());
    }

    private static void applySessionConfig(SessionConfig s, DeploymentInfo info) {
        // <= 0 minutes means sessions never time out (§7.5); Undertow reads a negative value that way.
        s.timeoutMinutes().ifPresent(m -> info.setDefaultSessionTimeout(
                m <= 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, m * 60L)));
        CookieConfig c = s.cookie();
        if (c.equals(CookieConfig.NONE) && s.trackingModes().isEmpty()) {
            return;
        }
        ServletSessionConfig config = info.getServletSessionConfig() != null
                ? info.getServletSessionConfig()
                : new ServletSessionConfig();
        c.name().ifPresent(config::setName);
        c.domain().ifPresent(config::setDomain);
        c.path().ifPresent(config::setPath);
        c.httpOnly().ifPresent(config::setHttpOnly);
        c.secure().ifPresent(config::setSecure);
        c.maxAge().ifPresent(config::setMaxAge);
        for (Param a : c.attributes()) {
            config.setAttribute(a.name(), a.value());
        }
        if (!s.trackingModes().isEmpty()) {
            config.setSessionTrackingModes(new LinkedHashSet<>(s.trackingModes()));
        }
        info.setServletSessionConfig(config);
    }

    /**
     * §13.8: no auth-constraint lets everyone in; an empty one lets no one in; role "*" means any
     * declared role (Undertow expands it); "**" means any authenticated user, unless the app
     * declares a role of that name.
     */
    private static SecurityConstraint securityConstraint(WebDescriptor.SecurityConstraint c, List<String> roles) {
        SecurityConstraint constraint = new SecurityConstraint();
        for (WebDescriptor.WebResourceCollection w : c.collections()) {
            constraint.addWebResourceCollection(new WebResourceCollection()
                    .addUrlPatterns(w.urlPatterns())
                    .addHttpMethods(w.httpMethods())
                    .addHttpMethodOmissions(w.httpMethodOmissions()));
        }
        if (c.authConstraint().isEmpty()) {
            constraint.setEmptyRoleSemantic(EmptyRoleSemantic.PERMIT);
        } else {
            AuthConstraint auth = c.authConstraint().get();
            if (auth.roleNames().contains("**") && !roles.contains("**")) {
                constraint.setEmptyRoleSemantic(EmptyRoleSemantic.AUTHENTICATE);
            } else {
                constraint.addRolesAllowed(auth.roleNames());
            }
        }
        constraint.setTransportGuaranteeType(TransportGuaranteeType.valueOf(c.transportGuarantee().name()));
        return constraint;
    }

    /** Undertow names mechanisms as HttpServletRequest does: CLIENT_CERT where web.xml says CLIENT-CERT. */
    private static LoginConfig loginConfig(WebDescriptor.LoginConfig l) {
        String realm = l.realmName().orElse(null);
        String loginPage = l.formLoginPage().orElse(null);
        String errorPage = l.formErrorPage().orElse(null);
        Optional<String> method = l.authMethod().map(m -> m.toUpperCase(Locale.ROOT).replace('-', '_'));
        return method.isPresent()
                ? new LoginConfig(method.get(), realm, loginPage, errorPage)
                : new LoginConfig(realm, loginPage, errorPage);
    }

    /** Loads a class the descriptor names; "what" says which, e.g. "servlet-class x of servlet "y"". */
    private static <T> Class<? extends T> load(ClassLoader loader, String className, Class<T> type, Origin origin,
            String what) throws DeploymentError {
        Class<?> c;
        try {
            c = Class.forName(className, false, loader);
        } catch (ClassNotFoundException e) {
            throw new DeploymentError(origin + ": cannot load " + what + ": class not found", e);
        } catch (LinkageError e) {
            throw new DeploymentError(origin + ": cannot load " + what + ": " + e, e);
        }
        if (!type.isAssignableFrom(c)) {
            throw new DeploymentError(origin + ": " + what + " is not a " + type.getName() + javaxHint(c));
        }
        return c.asSubclass(type);
    }

    /** Pre-Jakarta apps are the usual reason a servlet is "not a Servlet": say so. */
    private static String javaxHint(Class<?> c) {
        List<Class<?>> types = new ArrayList<>();
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            types.add(k);
            types.addAll(List.of(k.getInterfaces()));
        }
        boolean javax = types.stream().anyMatch(t -> t.getName().startsWith("javax.servlet."));
        return javax ? " (it uses javax.servlet: the app needs porting to Jakarta EE 9+)" : "";
    }
}
