package dev.container.deploy;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.SessionTrackingMode;
import java.util.List;
import java.util.Optional;

/**
 * What one web.xml or web-fragment.xml says (from {@link WebXml#parse}), or what they say together
 * once merged (from {@link Fragments#order}). Immutable, no nulls: absent values are empty
 * Optionals or lists. Lists keep document order, which matters for listeners and filter-mappings.
 * Values are trimmed but otherwise as written; checks that need other files or classes (undeclared
 * names, loadable classes) happen in {@link DescriptorApplier}.
 *
 * <p>Ignored on purpose: description, icon,
 * jsp-config and taglib (no JSP engine yet), and the parts of the JNDI environment
 * a servlet container has nothing for (ejb-ref, resource-env-ref, message-destination-ref,
 * service-ref, persistence-unit-ref): only env-entry and resource-ref are read ({@link Environment}).
 *
 * @param source where the descriptor came from, as errors name it ("shop.war!/WEB-INF/web.xml");
 *     a merged descriptor keeps web.xml's
 * @param version the version attribute, or the version of a 2.2/2.3 DOCTYPE
 * @param metadataComplete true when annotations must not be scanned (Servlet 6.0 §8.1)
 * @param name a fragment's {@code <name>}, used by orderings
 * @param absoluteOrdering web.xml's {@code <absolute-ordering>}, present even when empty
 * @param ordering a fragment's relative {@code <ordering>}
 * @param welcomeFiles the declared welcome files; empty means none declared (the applier then
 *     uses index.html, index.htm, index.jsp)
 * @param distributable {@code <distributable/>}: the app may run on several nodes, its session
 *     attributes Serializable; merged, true only when web.xml and every fragment say so (§8.2.3)
 */
record WebDescriptor(
        String source,
        Kind kind,
        Optional<String> version,
        boolean metadataComplete,
        Optional<String> name,
        Optional<AbsoluteOrdering> absoluteOrdering,
        Ordering ordering,
        Optional<String> displayName,
        List<Param> contextParams,
        List<Listener> listeners,
        List<Servlet> servlets,
        List<ServletMapping> servletMappings,
        List<Filter> filters,
        List<FilterMapping> filterMappings,
        List<String> welcomeFiles,
        List<ErrorPage> errorPages,
        List<MimeMapping> mimeMappings,
        SessionConfig sessionConfig,
        List<LocaleEncoding> localeEncodings,
        Optional<String> requestCharacterEncoding,
        Optional<String> responseCharacterEncoding,
        List<SecurityConstraint> securityConstraints,
        List<String> securityRoles,
        Optional<LoginConfig> loginConfig,
        boolean denyUncoveredHttpMethods,
        Environment environment,
        boolean distributable) {

    WebDescriptor {
        contextParams = List.copyOf(contextParams);
        listeners = List.copyOf(listeners);
        servlets = List.copyOf(servlets);
        servletMappings = List.copyOf(servletMappings);
        filters = List.copyOf(filters);
        filterMappings = List.copyOf(filterMappings);
        welcomeFiles = List.copyOf(welcomeFiles);
        errorPages = List.copyOf(errorPages);
        mimeMappings = List.copyOf(mimeMappings);
        localeEncodings = List.copyOf(localeEncodings);
        securityConstraints = List.copyOf(securityConstraints);
        securityRoles = List.copyOf(securityRoles);
    }

    /** The descriptor of an application without WEB-INF/web.xml (Servlet 3.0+): says nothing. */
    static WebDescriptor empty(String source) {
        return new WebDescriptor(source, Kind.WEB_APP, Optional.empty(), false, Optional.empty(),
                Optional.empty(), Ordering.NONE, Optional.empty(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), SessionConfig.NONE,
                List.of(), Optional.empty(), Optional.empty(), List.of(), List.of(), Optional.empty(),
                false, Environment.NONE, false);
    }

    enum Kind { WEB_APP, WEB_FRAGMENT }

    /** Where an element was declared; prints as "source:line", the prefix of every error about it. */
    record Origin(String source, int line) {
        @Override
        public String toString() {
            return source + ":" + line;
        }
    }

    /** A name/value pair: context-param, init-param, cookie attribute. */
    record Param(String name, String value) {}

    record Listener(String className, Origin origin) {}

    /**
     * A {@code <servlet>}. Unset values stay empty so that merging can tell "not said" from
     * "said false" (§8.2.3). Neither class nor jsp-file is legal: it then configures an annotated
     * servlet of the same name. {@code roleRefs} are its {@code <security-role-ref>}s,
     * {@code runAs} its {@code <run-as>} role.
     */
    record Servlet(
            String name,
            Optional<String> servletClass,
            Optional<String> jspFile,
            List<Param> initParams,
            Optional<Integer> loadOnStartup,
            Optional<Boolean> asyncSupported,
            Optional<Boolean> enabled,
            Optional<Multipart> multipart,
            List<RoleRef> roleRefs,
            Optional<String> runAs,
            Origin origin) {
        Servlet {
            initParams = List.copyOf(initParams);
            roleRefs = List.copyOf(roleRefs);
        }
    }

    /**
     * A {@code <security-role-ref>} (§13.3): the role name the servlet's code asks
     * {@code isUserInRole} about, and the application role it stands for (itself when no link).
     */
    record RoleRef(String name, Optional<String> link) {
        String linkedRole() {
            return link.orElse(name);
        }
    }

    /**
     * What the descriptor says about the app's {@code java:comp/env} and its components' life
     * cycle (Jakarta EE Platform §5.4, Servlet 6.0 §15.5): env entries with their values, resource
     * references the configuration must satisfy, where each is injected, and the
     * {@code post-construct}/{@code pre-destroy} methods.
     */
    record Environment(List<EnvEntry> envEntries, List<ResourceRef> resourceRefs,
                       List<LifecycleCallback> postConstructs, List<LifecycleCallback> preDestroys) {
        static final Environment NONE = new Environment(List.of(), List.of(), List.of(), List.of());

        Environment {
            envEntries = List.copyOf(envEntries);
            resourceRefs = List.copyOf(resourceRefs);
            postConstructs = List.copyOf(postConstructs);
            preDestroys = List.copyOf(preDestroys);
        }
    }

    /** A field or setter ("name" for field name or setName) of a class that a name is injected into. */
    record InjectionTarget(String className, String name) {}

    /**
     * An {@code <env-entry>}: a value of a simple type (String, a boxed primitive) at
     * java:comp/env/name. Without a value it is only a declaration, injected only if the
     * configuration gives it one; {@code lookupName} makes it another name's value.
     */
    record EnvEntry(String name, Optional<String> type, Optional<String> value, Optional<String> lookupName,
                    List<InjectionTarget> targets, Origin origin) {
        EnvEntry {
            targets = List.copyOf(targets);
        }
    }

    /** A {@code <resource-ref>}: a resource (a DataSource) the configuration must provide at java:comp/env/name. */
    record ResourceRef(String name, Optional<String> type, Optional<String> lookupName, List<InjectionTarget> targets,
                       Origin origin) {
        ResourceRef {
            targets = List.copyOf(targets);
        }
    }

    /** A {@code <post-construct>} or {@code <pre-destroy>}: a method without parameters of a component class. */
    record LifecycleCallback(String className, String method, Origin origin) {}

    /** A {@code <multipart-config>}; the defaults are the schema's: no limits, no threshold. */
    record Multipart(String location, long maxFileSize, long maxRequestSize, int fileSizeThreshold) {}

    record ServletMapping(String servletName, List<String> urlPatterns, Origin origin) {
        ServletMapping {
            urlPatterns = List.copyOf(urlPatterns);
        }
    }

    record Filter(
            String name,
            Optional<String> filterClass,
            List<Param> initParams,
            Optional<Boolean> asyncSupported,
            Origin origin) {
        Filter {
            initParams = List.copyOf(initParams);
        }
    }

    /** A {@code <filter-mapping>}; dispatchers default to REQUEST when none are written (§6.2.5). */
    record FilterMapping(
            String filterName,
            List<String> urlPatterns,
            List<String> servletNames,
            List<DispatcherType> dispatchers,
            Origin origin) {
        FilterMapping {
            urlPatterns = List.copyOf(urlPatterns);
            servletNames = List.copyOf(servletNames);
            dispatchers = List.copyOf(dispatchers);
        }
    }

    /** An {@code <error-page>}: by status code, by exception type, or neither (the default page). */
    record ErrorPage(Optional<Integer> errorCode, Optional<String> exceptionType, String location, Origin origin) {
        /** What identifies the page when descriptors are merged. */
        String key() {
            return errorCode.map(c -> "error-code " + c)
                    .or(() -> exceptionType.map(t -> "exception-type " + t))
                    .orElse("default error page");
        }
    }

    record MimeMapping(String extension, String mimeType) {}

    record LocaleEncoding(String locale, String encoding) {}

    /** A {@code <session-config>}; every part is optional so fragments merge per value. */
    record SessionConfig(Optional<Integer> timeoutMinutes, CookieConfig cookie, List<SessionTrackingMode> trackingModes) {
        static final SessionConfig NONE = new SessionConfig(Optional.empty(), CookieConfig.NONE, List.of());

        SessionConfig {
            trackingModes = List.copyOf(trackingModes);
        }
    }

    /** A {@code <cookie-config>}; {@code attributes} are Servlet 6's {@code <attribute>}s (e.g. SameSite). */
    record CookieConfig(
            Optional<String> name,
            Optional<String> domain,
            Optional<String> path,
            Optional<Boolean> httpOnly,
            Optional<Boolean> secure,
            Optional<Integer> maxAge,
            List<Param> attributes) {
        static final CookieConfig NONE = new CookieConfig(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of());

        CookieConfig {
            attributes = List.copyOf(attributes);
        }
    }

    /**
     * A {@code <security-constraint>}. {@code authConstraint} empty means no auth-constraint (anyone
     * may access); present with no roles means nobody may (§13.8.1).
     */
    record SecurityConstraint(
            List<WebResourceCollection> collections,
            Optional<AuthConstraint> authConstraint,
            TransportGuarantee transportGuarantee) {
        SecurityConstraint {
            collections = List.copyOf(collections);
        }
    }

    record WebResourceCollection(List<String> urlPatterns, List<String> httpMethods, List<String> httpMethodOmissions) {
        WebResourceCollection {
            urlPatterns = List.copyOf(urlPatterns);
            httpMethods = List.copyOf(httpMethods);
            httpMethodOmissions = List.copyOf(httpMethodOmissions);
        }
    }

    record AuthConstraint(List<String> roleNames) {
        AuthConstraint {
            roleNames = List.copyOf(roleNames);
        }
    }

    enum TransportGuarantee { NONE, INTEGRAL, CONFIDENTIAL }

    record LoginConfig(
            Optional<String> authMethod,
            Optional<String> realmName,
            Optional<String> formLoginPage,
            Optional<String> formErrorPage) {}

    /**
     * web.xml's {@code <absolute-ordering>} (§8.2.2): fragment names in order, and where
     * {@code <others/>} stands among them; no others means unnamed jars are excluded.
     */
    record AbsoluteOrdering(List<String> names, Optional<Integer> othersAt) {
        AbsoluteOrdering {
            names = List.copyOf(names);
        }
    }

    /** A fragment's relative {@code <ordering>} (§8.2.2): fragment names, and others as a flag. */
    record Ordering(List<String> after, boolean afterOthers, List<String> before, boolean beforeOthers) {
        static final Ordering NONE = new Ordering(List.of(), false, List.of(), false);

        Ordering {
            after = List.copyOf(after);
            before = List.copyOf(before);
        }
    }
}
