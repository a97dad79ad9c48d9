package dev.container.deploy;

import dev.container.deploy.WebDescriptor.AbsoluteOrdering;
import dev.container.deploy.WebDescriptor.AuthConstraint;
import dev.container.deploy.WebDescriptor.CookieConfig;
import dev.container.deploy.WebDescriptor.EnvEntry;
import dev.container.deploy.WebDescriptor.Environment;
import dev.container.deploy.WebDescriptor.InjectionTarget;
import dev.container.deploy.WebDescriptor.LifecycleCallback;
import dev.container.deploy.WebDescriptor.ResourceRef;
import dev.container.deploy.WebDescriptor.RoleRef;
import dev.container.deploy.WebDescriptor.ErrorPage;
import dev.container.deploy.WebDescriptor.Filter;
import dev.container.deploy.WebDescriptor.FilterMapping;
import dev.container.deploy.WebDescriptor.Kind;
import dev.container.deploy.WebDescriptor.Listener;
import dev.container.deploy.WebDescriptor.LocaleEncoding;
import dev.container.deploy.WebDescriptor.LoginConfig;
import dev.container.deploy.WebDescriptor.MimeMapping;
import dev.container.deploy.WebDescriptor.Multipart;
import dev.container.deploy.WebDescriptor.Ordering;
import dev.container.deploy.WebDescriptor.Origin;
import dev.container.deploy.WebDescriptor.Param;
import dev.container.deploy.WebDescriptor.SecurityConstraint;
import dev.container.deploy.WebDescriptor.Servlet;
import dev.container.deploy.WebDescriptor.ServletMapping;
import dev.container.deploy.WebDescriptor.SessionConfig;
import dev.container.deploy.WebDescriptor.TransportGuarantee;
import dev.container.deploy.WebDescriptor.WebResourceCollection;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.SessionTrackingMode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads WEB-INF/web.xml and META-INF/web-fragment.xml into a {@link WebDescriptor}. Lenient where
 * real WARs are sloppy (any Java EE namespace or none, whitespace around values, unknown elements
 * ignored), strict where a value cannot mean anything: those errors name file and line.
 * {@link #parse} is safe from any thread; each call reads with its own instance.
 */
final class WebXml {
    private static final Logger log = LoggerFactory.getLogger(WebXml.class);

    private final String source;

    private WebXml(String source) {
        this.source = source;
    }

    /** Parses a web.xml or web-fragment.xml. `source` names the file in errors, e.g. "shop.war!/WEB-INF/web.xml". */
    static WebDescriptor parse(InputStream in, String source) throws DeploymentError {
        return new WebXml(source).descriptor(XmlElement.read(in, source));
    }

    private WebDescriptor descriptor(XmlElement root) throws DeploymentError {
        Kind kind = switch (root.name()) {
            case "web-app" -> Kind.WEB_APP;
            case "web-fragment" -> Kind.WEB_FRAGMENT;
            default -> throw error(root, "root element is <" + root.name() + ">, expected <web-app> or <web-fragment>");
        };
        Optional<String> name = Optional.empty();
        Optional<AbsoluteOrdering> absoluteOrdering = Optional.empty();
        Ordering ordering = Ordering.NONE;
        Optional<String> displayName = Optional.empty();
        List<Param> contextParams = new ArrayList<>();
        List<Listener> listeners = new ArrayList<>();
        List<Servlet> servlets = new ArrayList<>();
        List<ServletMapping> servletMappings = new ArrayList<>();
        List<Filter> filters = new ArrayList<>();
        List<FilterMapping> filterMappings = new ArrayList<>();
        List<String> welcomeFiles = new ArrayList<>();
        List<ErrorPage> errorPages = new ArrayList<>();
        List<MimeMapping> mimeMappings = new ArrayList<>();
        Optional<SessionConfig> sessionConfig = Optional.empty();
        List<LocaleEncoding> localeEncodings = new ArrayList<>();
        Optional<String> requestEncoding = Optional.empty();
        Optional<String> responseEncoding = Optional.empty();
        List<SecurityConstraint> securityConstraints = new ArrayList<>();
        List<String> securityRoles = new ArrayList<>();
        Optional<LoginConfig> loginConfig = Optional.empty();
        boolean denyUncovered = false;
        boolean distributable = false;
        List<EnvEntry> envEntries = new ArrayList<>();
        List<ResourceRef> resourceRefs = new ArrayList<>();
        List<LifecycleCallback> postConstructs = new ArrayList<>();
        List<LifecycleCallback> preDestroys = new ArrayList<>();

        for (XmlElement e : root.children()) {
            switch (e.name()) {
                case "name" -> name = kind == Kind.WEB_FRAGMENT ? nonBlank(e) : ignore(e);
                case "absolute-ordering" -> absoluteOrdering = kind == Kind.WEB_APP
                        ? Optional.of(absoluteOrdering(once(absoluteOrdering, e)))
                        : ignore(e);
                case "ordering" -> {
                    if (kind == Kind.WEB_FRAGMENT) {
                        ordering = ordering(e);
                    } else {
                        ignore(e);
                    }
                }
                case "display-name" -> displayName = displayName.or(() -> nonBlank(e));
                case "context-param" -> contextParams.add(param(e));
                case "listener" -> listeners.add(new Listener(required(e, "listener-class"), origin(e)));
                case "servlet" -> servlets.add(servlet(e));
                case "servlet-mapping" -> servletMappings.add(servletMapping(e));
                case "filter" -> filters.add(filter(e));
                case "filter-mapping" -> filterMappings.add(filterMapping(e));
                // Several welcome-file-lists and locale-encoding-mapping-lists concatenate (web-app_6_0.xsd).
                case "welcome-file-list" -> welcomeFiles.addAll(e.childTexts("welcome-file"));
                case "error-page" -> errorPages.add(errorPage(e));
                case "mime-mapping" -> mimeMappings.add(
                        new MimeMapping(required(e, "extension"), required(e, "mime-type")));
                case "session-config" -> sessionConfig = Optional.of(sessionConfig(once(sessionConfig, e)));
                case "locale-encoding-mapping-list" -> {
                    for (XmlElement m : e.children("locale-encoding-mapping")) {
                        localeEncodings.add(new LocaleEncoding(required(m, "locale"), required(m, "encoding")));
                    }
                }
                case "request-character-encoding" -> requestEncoding = nonBlank(e);
                case "response-character-encoding" -> responseEncoding = nonBlank(e);
                case "security-constraint" -> securityConstraints.add(securityConstraint(e));
                case "security-role" -> securityRoles.addAll(e.childTexts("role-name"));
                case "login-config" -> loginConfig = Optional.of(loginConfig(once(loginConfig, e)));
                case "deny-uncovered-http-methods" -> denyUncovered = true;
                case "distributable" -> distributable = true;
                case "env-entry" -> envEntries.add(envEntry(e));
                case "resource-ref" -> resourceRefs.add(resourceRef(e));
                case "post-construct" -> postConstructs.add(lifecycleCallback(e));
                case "pre-destroy" -> preDestroys.add(lifecycleCallback(e));
                default -> ignore(e);
            }
        }
        requireUniqueNames(servlets.stream().map(s -> new Named(s.name(), s.origin())).toList(), "servlet");
        requireUniqueNames(filters.stream().map(f -> new Named(f.name(), f.origin())).toList(), "filter");
        requireUniquePatterns(servletMappings);

        return new WebDescriptor(source, kind, version(root), bool(root, "metadata-complete"), name,
                absoluteOrdering, ordering, displayName, contextParams, listeners, servlets, servletMappings,
                filters, filterMappings, List.copyOf(new LinkedHashSet<>(welcomeFiles)), errorPages, mimeMappings,
                sessionConfig.orElse(SessionConfig.NONE), localeEncodings, requestEncoding, responseEncoding,
                securityConstraints, List.copyOf(new LinkedHashSet<>(securityRoles)), loginConfig, denyUncovered,
                new Environment(envEntries, resourceRefs, postConstructs, preDestroys), distributable);
    }

    private Optional<String> version(XmlElement root) {
        Optional<String> attribute = root.attribute("version").filter(v -> !v.isEmpty());
        if (attribute.isPresent()) {
            return attribute;
        }
        // 2.2 and 2.3 descriptors carry their version only in the DOCTYPE's public id.
        String publicId = root.doctypePublicId();
        for (String v : List.of("2.2", "2.3")) {
            if (publicId.contains("DTD Web Application " + v + "//")) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    private AbsoluteOrdering absoluteOrdering(XmlElement e) {
        List<String> names = new ArrayList<>();
        Optional<Integer> othersAt = Optional.empty();
        for (XmlElement c : e.children()) {
            if (c.name().equals("name") && !c.text().isEmpty()) {
                names.add(c.text());
            } else if (c.name().equals("others") && othersAt.isEmpty()) {
                othersAt = Optional.of(names.size());
            }
        }
        return new AbsoluteOrdering(names, othersAt);
    }

    private Ordering ordering(XmlElement e) {
        Optional<XmlElement> after = e.child("after");
        Optional<XmlElement> before = e.child("before");
        return new Ordering(
                after.map(a -> a.childTexts("name")).orElse(List.of()),
                after.flatMap(a -> a.child("others")).isPresent(),
                before.map(b -> b.childTexts("name")).orElse(List.of()),
                before.flatMap(b -> b.child("others")).isPresent());
    }

    private Servlet servlet(XmlElement e) throws DeploymentError {
        String name = required(e, "servlet-name");
        Optional<String> servletClass = e.childText("servlet-class");
        Optional<String> jspFile = e.childText("jsp-file");
        if (servletClass.isPresent() && jspFile.isPresent()) {
            throw error(e, "servlet \"" + name + "\" has both servlet-class and jsp-file; it needs one");
        }
        Optional<Integer> loadOnStartup = Optional.empty();
        Optional<XmlElement> los = e.child("load-on-startup");
        if (los.isPresent()) {
            // An empty <load-on-startup/> was common in 2.x descriptors; like Jetty, read it as 0.
            loadOnStartup = Optional.of(los.get().text().isEmpty() ? 0 : integer(los.get()));
        }
        Optional<Multipart> multipart = Optional.empty();
        Optional<XmlElement> mp = e.child("multipart-config");
        if (mp.isPresent()) {
            multipart = Optional.of(multipart(mp.get()));
        }
        List<RoleRef> roleRefs = new ArrayList<>();
        for (XmlElement r : e.children("security-role-ref")) {
            roleRefs.add(new RoleRef(required(r, "role-name"), r.childText("role-link")));
        }
        Optional<String> runAs = Optional.empty();
        Optional<XmlElement> runAsElement = e.child("run-as");
        if (runAsElement.isPresent()) {
            runAs = Optional.of(required(runAsElement.get(), "role-name"));
        }
        return new Servlet(name, servletClass, jspFile, params(e, "init-param"), loadOnStartup,
                optionalBool(e, "async-supported"), optionalBool(e, "enabled"), multipart, roleRefs, runAs, origin(e));
    }

    private EnvEntry envEntry(XmlElement e) throws DeploymentError {
        // An empty <env-entry-value/> is the empty string, a value; a missing one is none.
        return new EnvEntry(jndiName(required(e, "env-entry-name")), e.childText("env-entry-type"),
                e.child("env-entry-value").map(XmlElement::text), e.childText("lookup-name"), injectionTargets(e),
                origin(e));
    }

    private ResourceRef resourceRef(XmlElement e) throws DeploymentError {
        return new ResourceRef(jndiName(required(e, "res-ref-name")), e.childText("res-type"), e.childText("lookup-name"),
                injectionTargets(e), origin(e));
    }

    private List<InjectionTarget> injectionTargets(XmlElement e) throws DeploymentError {
        List<InjectionTarget> targets = new ArrayList<>();
        for (XmlElement t : e.children("injection-target")) {
            targets.add(new InjectionTarget(required(t, "injection-target-class"), required(t, "injection-target-name")));
        }
        return targets;
    }

    private LifecycleCallback lifecycleCallback(XmlElement e) throws DeploymentError {
        return new LifecycleCallback(required(e, "lifecycle-callback-class"), required(e, "lifecycle-callback-method"),
                origin(e));
    }

    /** Names are relative to java:comp/env; some descriptors write them whole. */
    static String jndiName(String name) {
        return name.startsWith("java:comp/env/") ? name.substring("java:comp/env/".length()) : name;
    }

    private Multipart multipart(XmlElement e) throws DeploymentError {
        Optional<XmlElement> maxFile = e.child("max-file-size");
        Optional<XmlElement> maxRequest = e.child("max-request-size");
        Optional<XmlElement> threshold = e.child("file-size-threshold");
        return new Multipart(
                e.childText("location").orElse(""),
                maxFile.isPresent() ? longValue(maxFile.get()) : -1L,
                maxRequest.isPresent() ? longValue(maxRequest.get()) : -1L,
                threshold.isPresent() ? integer(threshold.get()) : 0);
    }

    private ServletMapping servletMapping(XmlElement e) throws DeploymentError {
        return new ServletMapping(required(e, "servlet-name"), urlPatterns(e), origin(e));
    }

    private Filter filter(XmlElement e) throws DeploymentError {
        return new Filter(required(e, "filter-name"), e.childText("filter-class"), params(e, "init-param"),
                optionalBool(e, "async-supported"), origin(e));
    }

    private FilterMapping filterMapping(XmlElement e) throws DeploymentError {
        Set<DispatcherType> dispatchers = new LinkedHashSet<>();
        for (XmlElement d : e.children("dispatcher")) {
            dispatchers.add(dispatcher(d));
        }
        if (dispatchers.isEmpty()) {
            dispatchers.add(DispatcherType.REQUEST);
        }
        return new FilterMapping(required(e, "filter-name"), urlPatterns(e), e.childTexts("servlet-name"),
                List.copyOf(dispatchers), origin(e));
    }

    private DispatcherType dispatcher(XmlElement d) throws DeploymentError {
        try {
            // The schema spells them upper case; Tomcat accepts any case, and so do we.
            return DispatcherType.valueOf(d.text().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw error(d, "unknown dispatcher \"" + d.text() + "\", expected REQUEST, FORWARD, INCLUDE, ERROR or ASYNC");
        }
    }

    private ErrorPage errorPage(XmlElement e) throws DeploymentError {
        Optional<Integer> code = Optional.empty();
        Optional<XmlElement> codeElement = e.child("error-code");
        if (codeElement.isPresent()) {
            code = Optional.of(integer(codeElement.get()));
        }
        return new ErrorPage(code, e.childText("exception-type"), required(e, "location"), origin(e));
    }

    private SessionConfig sessionConfig(XmlElement e) throws DeploymentError {
        Optional<Integer> timeout = Optional.empty();
        Optional<XmlElement> timeoutElement = e.child("session-timeout");
        if (timeoutElement.isPresent()) {
            timeout = Optional.of(integer(timeoutElement.get()));
        }
        CookieConfig cookie = CookieConfig.NONE;
        Optional<XmlElement> c = e.child("cookie-config");
        if (c.isPresent()) {
            cookie = cookieConfig(c.get());
        }
        Set<SessionTrackingMode> modes = new LinkedHashSet<>();
        for (XmlElement m : e.children("tracking-mode")) {
            try {
                modes.add(SessionTrackingMode.valueOf(m.text().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException ex) {
                throw error(m, "unknown tracking-mode \"" + m.text() + "\", expected COOKIE, URL or SSL");
            }
        }
        return new SessionConfig(timeout, cookie, List.copyOf(modes));
    }

    private CookieConfig cookieConfig(XmlElement c) throws DeploymentError {
        Optional<Integer> maxAge = Optional.empty();
        Optional<XmlElement> maxAgeElement = c.child("max-age");
        if (maxAgeElement.isPresent()) {
            maxAge = Optional.of(integer(maxAgeElement.get()));
        }
        List<Param> attributes = new ArrayList<>();
        for (XmlElement a : c.children("attribute")) {
            attributes.add(new Param(required(a, "attribute-name"), a.childText("attribute-value").orElse("")));
        }
        return new CookieConfig(c.childText("name"), c.childText("domain"), c.childText("path"),
                optionalBool(c, "http-only"), optionalBool(c, "secure"), maxAge, attributes);
    }

    private SecurityConstraint securityConstraint(XmlElement e) throws DeploymentError {
        List<WebResourceCollection> collections = new ArrayList<>();
        for (XmlElement c : e.children("web-resource-collection")) {
            collections.add(new WebResourceCollection(urlPatterns(c), c.childTexts("http-method"),
                    c.childTexts("http-method-omission")));
        }
        Optional<AuthConstraint> auth = e.child("auth-constraint").map(a -> new AuthConstraint(a.childTexts("role-name")));
        TransportGuarantee guarantee = TransportGuarantee.NONE;
        Optional<XmlElement> g = e.child("user-data-constraint").flatMap(u -> u.child("transport-guarantee"));
        if (g.isPresent()) {
            try {
                guarantee = TransportGuarantee.valueOf(g.get().text().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                throw error(g.get(), "unknown transport-guarantee \"" + g.get().text()
                        + "\", expected NONE, INTEGRAL or CONFIDENTIAL");
            }
        }
        return new SecurityConstraint(collections, auth, guarantee);
    }

    private LoginConfig loginConfig(XmlElement e) {
        Optional<XmlElement> form = e.child("form-login-config");
        return new LoginConfig(e.childText("auth-method"), e.childText("realm-name"),
                form.flatMap(f -> f.childText("form-login-page")),
                form.flatMap(f -> f.childText("form-error-page")));
    }

    /** The url-patterns of a mapping or collection, each valid per Servlet 6.0 §12.2. */
    private List<String> urlPatterns(XmlElement e) throws DeploymentError {
        List<String> patterns = new ArrayList<>();
        for (XmlElement p : e.children("url-pattern")) {
            if (!isValidUrlPattern(p.text())) {
                throw error(p, "invalid url-pattern \"" + p.text()
                        + "\": expected \"/exact\", \"/prefix/*\", \"*.extension\", \"/\" or \"\" (Servlet 6.0 §12.2)");
            }
            patterns.add(p.text());
        }
        return patterns;
    }

    /**
     * §12.2: "" is the context root, "/" the default servlet, "/p/*" a path prefix, "*.ext" an
     * extension, anything else starting with "/" an exact match. As in Tomcat, an extension must not
     * contain "/" and a path must not contain "*." (a prefix-plus-extension pattern is not a thing).
     */
    static boolean isValidUrlPattern(String pattern) {
        if (pattern.indexOf('\n') >= 0 || pattern.indexOf('\r') >= 0) {
            return false;
        }
        if (pattern.isEmpty()) {
            return true;
        }
        if (pattern.startsWith("*.")) {
            return pattern.length() > 2 && pattern.indexOf('/') < 0;
        }
        return pattern.startsWith("/") && !pattern.contains("*.");
    }

    private record Named(String name, Origin origin) {}

    /** Servlet and filter names are unique within one descriptor (web-app_6_0.xsd "uniqueness" keys). */
    private void requireUniqueNames(List<Named> declared, String kind) throws DeploymentError {
        Map<String, Origin> seen = new HashMap<>();
        for (Named n : declared) {
            Origin first = seen.putIfAbsent(n.name(), n.origin());
            if (first != null) {
                throw new DeploymentError(n.origin() + ": " + kind + " \"" + n.name()
                        + "\" is already declared at line " + first.line());
            }
        }
    }

    /** One url-pattern maps to one servlet; Undertow would refuse the deployment later, without a line. */
    private void requireUniquePatterns(List<ServletMapping> mappings) throws DeploymentError {
        Map<String, ServletMapping> owner = new HashMap<>();
        for (ServletMapping m : mappings) {
            for (String pattern : m.urlPatterns()) {
                ServletMapping first = owner.putIfAbsent(pattern, m);
                if (first != null && !first.servletName().equals(m.servletName())) {
                    throw new DeploymentError(m.origin() + ": url-pattern \"" + pattern + "\" is already mapped to servlet \""
                            + first.servletName() + "\" at line " + first.origin().line());
                }
            }
        }
    }

    private Param param(XmlElement e) throws DeploymentError {
        return new Param(required(e, "param-name"), e.childText("param-value").orElse(""));
    }

    private List<Param> params(XmlElement parent, String childName) throws DeploymentError {
        List<Param> params = new ArrayList<>();
        for (XmlElement p : parent.children(childName)) {
            params.add(param(p));
        }
        return params;
    }

    private String required(XmlElement e, String childName) throws DeploymentError {
        return e.childText(childName).orElseThrow(
                () -> error(e, "<" + e.name() + "> needs a <" + childName + ">"));
    }

    private static Optional<String> nonBlank(XmlElement e) {
        return Optional.of(e.text()).filter(s -> !s.isEmpty());
    }

    private int integer(XmlElement e) throws DeploymentError {
        try {
            return Integer.parseInt(e.text());
        } catch (NumberFormatException ex) {
            throw error(e, e.name() + " must be an integer, got \"" + e.text() + "\"");
        }
    }

    private long longValue(XmlElement e) throws DeploymentError {
        try {
            return Long.parseLong(e.text());
        } catch (NumberFormatException ex) {
            throw error(e, e.name() + " must be an integer, got \"" + e.text() + "\"");
        }
    }

    private Optional<Boolean> optionalBool(XmlElement parent, String childName) throws DeploymentError {
        Optional<XmlElement> e = parent.child(childName);
        return e.isPresent() ? Optional.of(bool(e.get(), e.get().text(), childName)) : Optional.empty();
    }

    private boolean bool(XmlElement root, String attribute) throws DeploymentError {
        Optional<String> value = root.attribute(attribute);
        return value.isPresent() && bool(root, value.get(), attribute);
    }

    /** xsd:boolean, in any case: true, false, 1, 0. */
    private boolean bool(XmlElement e, String text, String what) throws DeploymentError {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw error(e, what + " must be true or false, got \"" + text + "\"");
        };
    }

    /** The schema allows one session-config, login-config and absolute-ordering per descriptor. */
    private <T> XmlElement once(Optional<T> earlier, XmlElement e) throws DeploymentError {
        if (earlier.isPresent()) {
            throw error(e, "a second <" + e.name() + ">; a descriptor may have only one");
        }
        return e;
    }

    private <T> Optional<T> ignore(XmlElement e) {
        log.debug("{}:{}: ignoring <{}>", source, e.line(), e.name());
        return Optional.empty();
    }

    private Origin origin(XmlElement e) {
        return new Origin(source, e.line());
    }

    private DeploymentError error(XmlElement e, String message) {
        return new DeploymentError(origin(e) + ": " + message);
    }
}
