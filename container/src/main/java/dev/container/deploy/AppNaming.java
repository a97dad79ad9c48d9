package dev.container.deploy;

import dev.container.config.AppResources;
import dev.container.deploy.WebDescriptor.EnvEntry;
import dev.container.deploy.WebDescriptor.Environment;
import dev.container.deploy.WebDescriptor.ResourceRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What one app finds under {@code java:comp/env}, and so what its {@code @Resource}s and
 * web.xml injection targets receive: the config file's env-entries (the operator's, which win),
 * web.xml's env-entries with values, and the config file's DataSources. Built once per
 * deployment, before any component exists; immutable, so thread-safe.
 *
 * <p>A reference the app must have, a web.xml resource-ref or an {@code @Resource} of a type
 * that is no simple value, fails the deployment when nothing here satisfies it, with one line
 * naming the app, the name and where in the config file it would be configured
 * ({@link #unsatisfied}). An env entry without a value is optional (Jakarta EE Platform §5.4.1.3):
 * nothing is injected and a lookup fails with NameNotFoundException.
 */
final class AppNaming {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("container");
    private static final String PREFIX = "java:comp/env/";
    private static final String DATA_SOURCE = "javax.sql.DataSource";

    private final String appName;
    private final AppResources resources;
    private final Map<String, Object> bindings;

    private AppNaming(String appName, AppResources resources, Map<String, Object> bindings) {
        this.appName = appName;
        this.resources = resources;
        this.bindings = Map.copyOf(bindings);
    }

    /** A name that must be bound and is not: for {@link #unsatisfied}. */
    record Missing(String name, String type, String declaredBy) {
        boolean isDataSource() {
            return type.equals(DATA_SOURCE) || type.equals(Object.class.getName());
        }
    }

    /**
     * The app's names: configEnv (from the config file) over web.xml's env entries, and the
     * DataSources. Fails when a web.xml resource-ref is not satisfied; an env-entry whose value does
     * not fit its type, or of a type it cannot have, is left out with a warning (as on Tomcat).
     */
    static AppNaming of(String appName, Map<String, Object> configEnv, Environment env, Map<String, DataSource> dataSources,
                        AppResources resources) throws DeploymentError {
        Map<String, Object> bindings = new LinkedHashMap<>(dataSources);
        for (EnvEntry e : env.envEntries()) {
            if (e.value().isPresent() && e.lookupName().isEmpty()) {
                try {
                    bindings.put(e.name(), EnvValues.parse(e));
                } catch (DeploymentError unreadable) {
                    // As Tomcat: a value it cannot make is left out (nothing injected, lookups fail), not fatal.
                    log.warn("{}: {}; it is left out of java:comp/env", appName, unreadable.getMessage());
                }
            }
        }
        bindings.putAll(configEnv);
        // lookup-name makes a name another's: resolved once the others are bound.
        for (EnvEntry e : env.envEntries()) {
            e.lookupName().flatMap(l -> value(bindings, l)).ifPresent(v -> bindings.putIfAbsent(e.name(), v));
        }
        for (ResourceRef r : env.resourceRefs()) {
            r.lookupName().flatMap(l -> value(bindings, l)).ifPresent(v -> bindings.putIfAbsent(r.name(), v));
        }
        AppNaming naming = new AppNaming(appName, resources, bindings);
        List<Missing> missing = new ArrayList<>();
        for (ResourceRef r : env.resourceRefs()) {
            String type = r.type().orElse(DATA_SOURCE);
            Optional<Object> value = naming.lookup(r.name());
            String declaredBy = "resource-ref at " + r.origin();
            if (value.isEmpty()) {
                missing.add(new Missing(r.name(), type, declaredBy));
            } else if (!fits(value.get(), type)) {
                throw new DeploymentError(appName + ": " + declaredBy + " asks for a " + type + " at \"" + r.name()
                        + "\", but the config gives it a " + describe(value.get()));
            }
        }
        if (!missing.isEmpty()) {
            throw naming.unsatisfied(missing);
        }
        return naming;
    }

    /** Every name and its value, for {@link Jndi}. */
    Map<String, Object> bindings() {
        return bindings;
    }

    /** The value at name (relative to java:comp/env, or a whole java:comp/env/... name). */
    Optional<Object> lookup(String name) {
        return value(bindings, name);
    }

    private static Optional<Object> value(Map<String, Object> bindings, String name) {
        String relative = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
        // A global name (java:global/..., java:app/...) is nothing this container has.
        return relative.startsWith("java:") ? Optional.empty() : Optional.ofNullable(bindings.get(relative));
    }

    /**
     * The one line that says what is missing and where it would be configured: the app's entry in
     * the config file, or, for an app from the command line, that it needs one.
     */
    DeploymentError unsatisfied(List<Missing> missing) {
        List<String> parts = new ArrayList<>();
        for (Missing m : missing) {
            parts.add("\"" + m.name() + "\" (" + (m.isDataSource() ? "" : m.type() + ", ") + m.declaredBy() + ")");
        }
        Optional<Missing> unsupported = missing.stream().filter(m -> !m.isDataSource()).findFirst();
        String subject = (missing.size() == 1 ? "resource " : "resources ") + String.join(", ", parts)
                + (missing.size() == 1 ? " is" : " are") + " not configured";
        if (unsupported.isPresent()) {
            return new DeploymentError(appName + ": " + subject + "; the container provides DataSources only"
                    + " (resources { \"NAME\" { type = datasource, ... } }), not a " + unsupported.get().type());
        }
        String example = "resources { \"" + missing.get(0).name() + "\" { type = datasource, url = \"jdbc:...\" } }";
        String where = resources.declaredAt()
                .map(at -> "; add " + example + " to the app at " + at)
                .orElse("; the app comes from the command line: deploy it from a config file (--config) whose app entry has "
                        + example);
        return new DeploymentError(appName + ": " + subject + where);
    }

    /** Whether value is of the type a resource-ref names (a type the app's loader may not even have). */
    private static boolean fits(Object value, String typeName) {
        if (typeName.equals(Object.class.getName())) {
            return true;
        }
        for (Class<?> c = value.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(typeName) || implementsNamed(c, typeName)) {
                return true;
            }
        }
        return false;
    }

    private static boolean implementsNamed(Class<?> c, String typeName) {
        for (Class<?> i : c.getInterfaces()) {
            if (i.getName().equals(typeName) || implementsNamed(i, typeName)) {
                return true;
            }
        }
        return false;
    }

    static String describe(Object value) {
        return value instanceof DataSource ? "DataSource" : value.getClass().getSimpleName() + " (an env entry)";
    }
}
