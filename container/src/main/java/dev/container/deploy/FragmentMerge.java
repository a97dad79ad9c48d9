package dev.container.deploy;

import dev.container.deploy.WebDescriptor.CookieConfig;
import dev.container.deploy.WebDescriptor.EnvEntry;
import dev.container.deploy.WebDescriptor.Environment;
import dev.container.deploy.WebDescriptor.LifecycleCallback;
import dev.container.deploy.WebDescriptor.ResourceRef;
import dev.container.deploy.WebDescriptor.RoleRef;
import dev.container.deploy.WebDescriptor.ErrorPage;
import dev.container.deploy.WebDescriptor.Filter;
import dev.container.deploy.WebDescriptor.FilterMapping;
import dev.container.deploy.WebDescriptor.Kind;
import dev.container.deploy.WebDescriptor.Listener;
import dev.container.deploy.WebDescriptor.LocaleEncoding;
import dev.container.deploy.WebDescriptor.MimeMapping;
import dev.container.deploy.WebDescriptor.Param;
import dev.container.deploy.WebDescriptor.SecurityConstraint;
import dev.container.deploy.WebDescriptor.Servlet;
import dev.container.deploy.WebDescriptor.ServletMapping;
import dev.container.deploy.WebDescriptor.SessionConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Merges ordered web fragments into web.xml, per Servlet 6.0 §8.2.3 and the Servlet EG's
 * clarifications as Tomcat implements them:
 * <ul>
 *   <li>whatever web.xml says wins, silently, over what fragments say about the same thing;
 *   <li>what web.xml leaves unsaid, fragments add: the first one to say it sets it, and a later
 *       fragment saying something different is an error, because only web.xml could decide;
 *   <li>listeners, security constraints and roles simply add up, in fragment order;
 *   <li>env entries and resource references are keyed by name, security-role-refs by role name,
 *       as any other named value; post-construct and pre-destroy methods add up;
 *   <li>url-patterns and filter-mappings web.xml gives for a servlet or filter replace the
 *       fragments' for that name; otherwise fragments' mappings are appended in fragment order.
 * </ul>
 * One instance per merge, since it remembers which fragment set which value.
 */
final class FragmentMerge {
    /** For each value a fragment set ("context-param \"x\""), that fragment; web.xml's values are absent. */
    private final Map<String, WebDescriptor> setBy = new HashMap<>();

    private FragmentMerge() {}

    static WebDescriptor merge(WebDescriptor main, List<WebDescriptor> fragments) throws DeploymentError {
        return new FragmentMerge().mergeInto(main, fragments);
    }

    private WebDescriptor mergeInto(WebDescriptor main, List<WebDescriptor> fragments) throws DeploymentError {
        Optional<String> displayName = main.displayName();
        Map<String, Param> contextParams = byKey(main.contextParams(), Param::name);
        Map<String, Listener> listeners = byKey(main.listeners(), Listener::className);
        Map<String, Servlet> servlets = byKey(main.servlets(), Servlet::name);
        Map<String, Filter> filters = byKey(main.filters(), Filter::name);
        Map<String, ErrorPage> errorPages = byKey(main.errorPages(), ErrorPage::key);
        Map<String, MimeMapping> mimeMappings = byKey(main.mimeMappings(), MimeMapping::extension);
        Map<String, LocaleEncoding> localeEncodings = byKey(main.localeEncodings(), LocaleEncoding::locale);
        SessionConfig sessionConfig = main.sessionConfig();
        Optional<String> requestEncoding = main.requestCharacterEncoding();
        Optional<String> responseEncoding = main.responseCharacterEncoding();
        List<SecurityConstraint> securityConstraints = new ArrayList<>(main.securityConstraints());
        Set<String> securityRoles = new LinkedHashSet<>(main.securityRoles());
        Optional<WebDescriptor.LoginConfig> loginConfig = main.loginConfig();
        boolean denyUncovered = main.denyUncoveredHttpMethods();
        // Servlet 6.0 §8.2.3: distributable only when web.xml and every fragment say so
        boolean distributable = main.distributable();
        Set<String> welcomeFiles = new LinkedHashSet<>(main.welcomeFiles());
        Map<String, EnvEntry> envEntries = byKey(main.environment().envEntries(), EnvEntry::name);
        Map<String, ResourceRef> resourceRefs = byKey(main.environment().resourceRefs(), ResourceRef::name);
        Set<LifecycleCallback> postConstructs = new LinkedHashSet<>(main.environment().postConstructs());
        Set<LifecycleCallback> preDestroys = new LinkedHashSet<>(main.environment().preDestroys());

        for (WebDescriptor f : fragments) {
            displayName = pick("display-name", displayName, f.displayName(), f);
            for (Param p : f.contextParams()) {
                add(contextParams, p.name(), p, Param::value, "context-param \"" + p.name() + "\"", f);
            }
            for (Listener l : f.listeners()) {
                listeners.putIfAbsent(l.className(), l);
            }
            for (Servlet s : f.servlets()) {
                Servlet into = servlets.getOrDefault(s.name(), new Servlet(s.name(), Optional.empty(),
                        Optional.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), List.of(), Optional.empty(), s.origin()));
                servlets.put(s.name(), mergeServlet(into, s, f));
            }
            for (Filter x : f.filters()) {
                Filter into = filters.getOrDefault(x.name(),
                        new Filter(x.name(), Optional.empty(), List.of(), Optional.empty(), x.origin()));
                filters.put(x.name(), mergeFilter(into, x, f));
            }
            for (ErrorPage e : f.errorPages()) {
                add(errorPages, e.key(), e, ErrorPage::location, "error-page for " + e.key(), f);
            }
            for (MimeMapping m : f.mimeMappings()) {
                add(mimeMappings, m.extension(), m, MimeMapping::mimeType, "mime-mapping \"" + m.extension() + "\"", f);
            }
            for (LocaleEncoding l : f.localeEncodings()) {
                add(localeEncodings, l.locale(), l, LocaleEncoding::encoding,
                        "locale-encoding-mapping \"" + l.locale() + "\"", f);
            }
            sessionConfig = mergeSessionConfig(sessionConfig, f.sessionConfig(), f);
            requestEncoding = pick("request-character-encoding", requestEncoding, f.requestCharacterEncoding(), f);
            responseEncoding = pick("response-character-encoding", responseEncoding, f.responseCharacterEncoding(), f);
            securityConstraints.addAll(f.securityConstraints());
            securityRoles.addAll(f.securityRoles());
            loginConfig = pick("login-config", loginConfig, f.loginConfig(), f);
            denyUncovered |= f.denyUncoveredHttpMethods();
            distributable &= f.distributable();
            // A welcome-file-list in web.xml is the whole list; without one, fragments' lists add up.
            if (main.welcomeFiles().isEmpty()) {
                welcomeFiles.addAll(f.welcomeFiles());
            }
            Environment env = f.environment();
            for (EnvEntry e : env.envEntries()) {
                add(envEntries, e.name(), e, x -> List.of(x.type(), x.value(), x.lookupName()),
                        "env-entry \"" + e.name() + "\"", f);
            }
            for (ResourceRef r : env.resourceRefs()) {
                add(resourceRefs, r.name(), r, x -> List.of(x.type(), x.lookupName()),
                        "resource-ref \"" + r.name() + "\"", f);
            }
            postConstructs.addAll(env.postConstructs());
            preDestroys.addAll(env.preDestroys());
        }
        return new WebDescriptor(main.source(), Kind.WEB_APP, main.version(), main.metadataComplete(), main.name(),
                main.absoluteOrdering(), main.ordering(), displayName, List.copyOf(contextParams.values()),
                List.copyOf(listeners.values()), List.copyOf(servlets.values()), servletMappings(main, fragments),
                List.copyOf(filters.values()), filterMappings(main, fragments), List.copyOf(welcomeFiles),
                List.copyOf(errorPages.values()), List.copyOf(mimeMappings.values()), sessionConfig,
                List.copyOf(localeEncodings.values()), requestEncoding, responseEncoding, securityConstraints,
                List.copyOf(securityRoles), loginConfig, denyUncovered,
                new Environment(List.copyOf(envEntries.values()), List.copyOf(resourceRefs.values()),
                        List.copyOf(postConstructs), List.copyOf(preDestroys)), distributable);
    }

    private Servlet mergeServlet(Servlet into, Servlet from, WebDescriptor f) throws DeploymentError {
        String what = "servlet \"" + into.name() + "\" ";
        return new Servlet(into.name(),
                pick(what + "servlet-class", into.servletClass(), from.servletClass(), f),
                pick(what + "jsp-file", into.jspFile(), from.jspFile(), f),
                mergeParams(what + "init-param", into.initParams(), from.initParams(), f),
                pick(what + "load-on-startup", into.loadOnStartup(), from.loadOnStartup(), f),
                pick(what + "async-supported", into.asyncSupported(), from.asyncSupported(), f),
                pick(what + "enabled", into.enabled(), from.enabled(), f),
                pick(what + "multipart-config", into.multipart(), from.multipart(), f),
                mergeRoleRefs(what + "security-role-ref", into.roleRefs(), from.roleRefs(), f),
                pick(what + "run-as", into.runAs(), from.runAs(), f),
                into.origin());
    }

    private List<RoleRef> mergeRoleRefs(String what, List<RoleRef> into, List<RoleRef> from, WebDescriptor f)
            throws DeploymentError {
        Map<String, RoleRef> refs = byKey(into, RoleRef::name);
        for (RoleRef r : from) {
            add(refs, r.name(), r, RoleRef::linkedRole, what + " \"" + r.name() + "\"", f);
        }
        return List.copyOf(refs.values());
    }

    private Filter mergeFilter(Filter into, Filter from, WebDescriptor f) throws DeploymentError {
        String what = "filter \"" + into.name() + "\" ";
        return new Filter(into.name(),
                pick(what + "filter-class", into.filterClass(), from.filterClass(), f),
                mergeParams(what + "init-param", into.initParams(), from.initParams(), f),
                pick(what + "async-supported", into.asyncSupported(), from.asyncSupported(), f),
                into.origin());
    }

    private List<Param> mergeParams(String what, List<Param> into, List<Param> from, WebDescriptor f)
            throws DeploymentError {
        Map<String, Param> params = byKey(into, Param::name);
        for (Param p : from) {
            add(params, p.name(), p, Param::value, what + " \"" + p.name() + "\"", f);
        }
        return List.copyOf(params.values());
    }

    private SessionConfig mergeSessionConfig(SessionConfig into, SessionConfig from, WebDescriptor f)
            throws DeploymentError {
        String what = "session-config ";
        CookieConfig a = into.cookie();
        CookieConfig b = from.cookie();
        String cookie = what + "cookie-config ";
        CookieConfig cookieConfig = new CookieConfig(
                pick(cookie + "name", a.name(), b.name(), f),
                pick(cookie + "domain", a.domain(), b.domain(), f),
                pick(cookie + "path", a.path(), b.path(), f),
                pick(cookie + "http-only", a.httpOnly(), b.httpOnly(), f),
                pick(cookie + "secure", a.secure(), b.secure(), f),
                pick(cookie + "max-age", a.maxAge(), b.maxAge(), f),
                mergeParams(cookie + "attribute", a.attributes(), b.attributes(), f));
        return new SessionConfig(
                pick(what + "session-timeout", into.timeoutMinutes(), from.timeoutMinutes(), f),
                cookieConfig,
                pick(what + "tracking-mode", nonEmpty(into.trackingModes()), nonEmpty(from.trackingModes()), f)
                        .orElse(List.of()));
    }

    /**
     * web.xml's mappings, then the fragments'. A servlet web.xml maps keeps only web.xml's patterns;
     * a pattern web.xml maps stays web.xml's; two fragments mapping one pattern to different
     * servlets is a conflict (Undertow would refuse it too, later and less clearly).
     */
    private List<ServletMapping> servletMappings(WebDescriptor main, List<WebDescriptor> fragments)
            throws DeploymentError {
        List<ServletMapping> mappings = new ArrayList<>(main.servletMappings());
        Set<String> mappedByMain = new HashSet<>();
        Map<String, String> servletOfPattern = new HashMap<>();
        for (ServletMapping m : main.servletMappings()) {
            mappedByMain.add(m.servletName());
            m.urlPatterns().forEach(p -> servletOfPattern.put(p, m.servletName()));
        }
        for (WebDescriptor f : fragments) {
            for (ServletMapping m : f.servletMappings()) {
                if (mappedByMain.contains(m.servletName())) {
                    continue;
                }
                List<String> kept = new ArrayList<>();
                for (String pattern : m.urlPatterns()) {
                    String what = "url-pattern \"" + pattern + "\"";
                    String owner = servletOfPattern.putIfAbsent(pattern, m.servletName());
                    if (owner == null) {
                        setBy.put(what, f);
                        kept.add(pattern);
                    } else if (!owner.equals(m.servletName()) && setBy.containsKey(what)) {
                        throw conflict(what, setBy.get(what), f);
                    }
                }
                if (!kept.isEmpty()) {
                    mappings.add(new ServletMapping(m.servletName(), kept, m.origin()));
                }
            }
        }
        return mappings;
    }

    private static List<FilterMapping> filterMappings(WebDescriptor main, List<WebDescriptor> fragments) {
        List<FilterMapping> mappings = new ArrayList<>(main.filterMappings());
        Set<String> mappedByMain = new HashSet<>();
        main.filterMappings().forEach(m -> mappedByMain.add(m.filterName()));
        for (WebDescriptor f : fragments) {
            f.filterMappings().stream().filter(m -> !mappedByMain.contains(m.filterName())).forEach(mappings::add);
        }
        return mappings;
    }

    /** The value so far (web.xml's, or an earlier fragment's) unless there is none yet. */
    private <T> Optional<T> pick(String what, Optional<T> sofar, Optional<T> incoming, WebDescriptor from)
            throws DeploymentError {
        if (incoming.isEmpty()) {
            return sofar;
        }
        if (sofar.isEmpty()) {
            setBy.put(what, from);
            return incoming;
        }
        WebDescriptor first = setBy.get(what);
        if (first != null && !sofar.get().equals(incoming.get())) {
            throw conflict(what, first, from);
        }
        return sofar;
    }

    /** {@link #pick} for keyed entries, comparing only their values (not where they were declared). */
    private <T> void add(Map<String, T> merged, String key, T item, Function<T, ?> value, String what,
            WebDescriptor from) throws DeploymentError {
        T existing = merged.get(key);
        if (existing == null) {
            merged.put(key, item);
            setBy.put(what, from);
        } else if (setBy.containsKey(what) && !value.apply(existing).equals(value.apply(item))) {
            throw conflict(what, setBy.get(what), from);
        }
    }

    private static DeploymentError conflict(String what, WebDescriptor first, WebDescriptor second) {
        return new DeploymentError(second.source() + ": " + what + " conflicts with " + first.source()
                + "; set it in web.xml to decide (Servlet 6.0 §8.2.3)");
    }

    private static <T> Map<String, T> byKey(List<T> items, Function<T, String> key) {
        Map<String, T> map = new LinkedHashMap<>();
        items.forEach(i -> map.putIfAbsent(key.apply(i), i));
        return map;
    }

    private static <T> Optional<List<T>> nonEmpty(List<T> list) {
        return list.isEmpty() ? Optional.empty() : Optional.of(list);
    }
}
