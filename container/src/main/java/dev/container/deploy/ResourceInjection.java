package dev.container.deploy;

import dev.container.deploy.AppNaming.Missing;
import dev.container.deploy.ClassMembers.Annotated;
import dev.container.deploy.ClassMembers.FieldTarget;
import dev.container.deploy.ClassMembers.ResourceSays;
import dev.container.deploy.ClassMembers.SetterTarget;
import dev.container.deploy.ClassMembers.Target;
import dev.container.deploy.WebDescriptor.EnvEntry;
import dev.container.deploy.WebDescriptor.Environment;
import dev.container.deploy.WebDescriptor.InjectionTarget;
import dev.container.deploy.WebDescriptor.LifecycleCallback;
import dev.container.deploy.WebDescriptor.ResourceRef;
import io.undertow.servlet.api.ClassIntrospecter;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.FilterInfo;
import io.undertow.servlet.api.InstanceFactory;
import io.undertow.servlet.api.InstanceHandle;
import io.undertow.servlet.api.ListenerInfo;
import io.undertow.servlet.api.ServletInfo;
import io.undertow.servlet.util.ConstructorInstanceFactory;
import io.undertow.servlet.util.DefaultClassIntrospector;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.annotation.Resources;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the app's servlets, filters and listeners as a Jakarta EE web container does (Servlet
 * 6.0 §15.5, Jakarta Annotations 2.1): the no-argument constructor, then the {@code java:comp/env}
 * values injected into the fields and setters that {@code @Resource} or a web.xml
 * {@code injection-target} names (in superclasses too, theirs first), then the
 * {@code @PostConstruct} (or web.xml {@code post-construct}) methods, superclass first; the
 * instance's {@code @PreDestroy} methods run when Undertow releases it at stop. With a
 * metadata-complete web.xml only web.xml's injection targets and callbacks count (§8.1).
 *
 * <p>{@link #apply} plans every component class the deployment knows before it starts, so an
 * {@code @Resource} nothing satisfies fails the deployment; classes the app adds later
 * ({@code ServletContext.addServlet(name, Class)}, {@code createListener}) come through
 * {@link #createInstanceFactory}, as Undertow's ClassIntrospecter. Only classes of the app's own
 * class loader are looked at; the container's (the default and JSP servlets) are made as before.
 * Thread-safe: plans are cached in a concurrent map, instances made on any thread.
 */
final class ResourceInjection implements ClassIntrospecter {
    private static final Logger log = LoggerFactory.getLogger("container");

    private final AppNaming naming;
    private final ClassLoader appLoader;
    private final boolean annotations;
    private final String appName;
    private final Map<String, List<XmlTarget>> xmlTargets = new HashMap<>();
    private final Map<String, LifecycleCallback> xmlPostConstruct = new HashMap<>();
    private final Map<String, LifecycleCallback> xmlPreDestroy = new HashMap<>();
    private final Map<Class<?>, Recipe> recipes = new ConcurrentHashMap<>();
    /** Names of references found under another name (a mappedName, a lookup): bound at theirs too. */
    private final Map<String, Object> aliases = new ConcurrentHashMap<>();
    /** The introspecter before this one (the JSP engine's): it makes the container's classes. */
    private volatile ClassIntrospecter next = DefaultClassIntrospector.INSTANCE;

    /** An injection-target of web.xml: member of its class, the name injected, who said so. */
    private record XmlTarget(String member, String name, String declaredBy) {
    }

    /** A value to set into a field or pass to a setter. */
    private record Injection(Target target, Object value) {
        void inject(Object instance) throws Throwable {
            target.set(instance, value);
        }
    }

    /** How to make one class: what to inject, what to call after and before its life. */
    private record Recipe(Class<?> type, Constructor<?> constructor, List<Injection> injections,
                          List<Method> postConstruct, List<Method> preDestroy, List<Missing> missing) {
        boolean plain() {
            return injections.isEmpty() && postConstruct.isEmpty() && preDestroy.isEmpty();
        }
    }

    /**
     * @param annotations false for a metadata-complete web.xml: only its own injection targets
     *                    and callbacks then count
     */
    ResourceInjection(AppNaming naming, Environment env, ClassLoader appLoader, boolean annotations,
                      String appName) {
        this.naming = naming;
        this.appLoader = appLoader;
        this.annotations = annotations;
        this.appName = appName;
        for (EnvEntry e : env.envEntries()) {
            for (InjectionTarget t : e.targets()) {
                xmlTargets.computeIfAbsent(t.className(), k -> new ArrayList<>())
                        .add(new XmlTarget(t.name(), e.name(), "env-entry at " + e.origin()));
            }
        }
        for (ResourceRef r : env.resourceRefs()) {
            for (InjectionTarget t : r.targets()) {
                xmlTargets.computeIfAbsent(t.className(), k -> new ArrayList<>())
                        .add(new XmlTarget(t.name(), r.name(), "resource-ref at " + r.origin()));
            }
        }
        env.postConstructs().forEach(c -> xmlPostConstruct.putIfAbsent(c.className(), c));
        env.preDestroys().forEach(c -> xmlPreDestroy.putIfAbsent(c.className(), c));
    }

    /**
     * Plans the app's servlets, filters and listeners in info and makes them through this; fails
     * when a reference is not satisfied or a target is wrong. Sets this as info's class
     * introspecter for the ones the app adds at start, in front of the one info had. Call once all
     * components are in info.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void apply(DeploymentInfo info) throws DeploymentError {
        next = info.getClassIntrospecter();
        info.setClassIntrospecter(this);
        Map<String, Missing> missing = new LinkedHashMap<>();
        // In class name order, so that the component a missing name is reported for is always the same one.
        List<ServletInfo> servlets = new ArrayList<>(info.getServlets().values());
        servlets.sort(java.util.Comparator.comparing(s -> s.getServletClass().getName()));
        for (ServletInfo s : servlets) {
            Recipe r = plan(s.getServletClass(), s.getInstanceFactory(), missing);
            if (r != null) {
                s.setInstanceFactory((InstanceFactory) new Factory<>(r));
            }
        }
        for (FilterInfo f : info.getFilters().values()) {
            Recipe r = plan(f.getFilterClass(), f.getInstanceFactory(), missing);
            if (r != null) {
                f.setInstanceFactory((InstanceFactory) new Factory<>(r));
            }
        }
        for (ListenerInfo l : info.getListeners()) {
            Recipe r = plan(l.getListenerClass(), l.getInstanceFactory(), missing);
            if (r != null) {
                l.setInstanceFactory((InstanceFactory) new Factory<>(r));
            }
        }
        if (!missing.isEmpty()) {
            throw naming.unsatisfied(List.copyOf(missing.values()));
        }
        Jndi.bind(appLoader, aliases);
    }

    /** The recipe when type is the app's, made the default way (not an instance the app handed over), and not plain. */
    private Recipe plan(Class<?> type, InstanceFactory<?> current, Map<String, Missing> missing) throws DeploymentError {
        if (type.getClassLoader() != appLoader || !(current instanceof ConstructorInstanceFactory)) {
            return null;
        }
        Recipe r = recipe(type);
        r.missing().forEach(m -> missing.putIfAbsent(m.name(), m));
        return r.plain() ? null : r;
    }

    @Override
    public <T> InstanceFactory<T> createInstanceFactory(Class<T> type) throws NoSuchMethodException {
        if (type.getClassLoader() != appLoader) {
            return next.createInstanceFactory(type);
        }
        Recipe r;
        try {
            r = recipe(type);
        } catch (DeploymentError e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        if (!r.missing().isEmpty()) {
            throw new IllegalStateException(naming.unsatisfied(r.missing()).getMessage());
        }
        Jndi.bind(appLoader, aliases);
        return new Factory<>(r);
    }

    private Recipe recipe(Class<?> type) throws DeploymentError {
        Recipe known = recipes.get(type);
        if (known != null) {
            return known;
        }
        Recipe made = make(type);
        Recipe raced = recipes.putIfAbsent(type, made);
        return raced != null ? raced : made;
    }

    private Recipe make(Class<?> type) throws DeploymentError {
        Constructor<?> constructor;
        try {
            constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new DeploymentError(appName + ": " + type.getName() + " needs a constructor without parameters", e);
        }
        // The app's part of the hierarchy, superclass first: injection and callbacks go in that order.
        List<Class<?>> hierarchy = new ArrayList<>();
        for (Class<?> c = type; c != null && c.getClassLoader() == appLoader; c = c.getSuperclass()) {
            hierarchy.add(0, c);
        }
        List<Injection> injections = new ArrayList<>();
        List<Method> postConstruct = new ArrayList<>();
        List<Method> preDestroy = new ArrayList<>();
        List<Missing> missing = new ArrayList<>();
        for (Class<?> c : hierarchy) {
            ClassMembers members = ClassMembers.read(c, appLoader, appName);
            Set<Target> targeted = new HashSet<>();
            for (XmlTarget t : xmlTargets.getOrDefault(c.getName(), List.of())) {
                Target target = xmlMember(c, members, t);
                targeted.add(target);
                resolve(target, t.name(), List.of(t.name()), t.declaredBy(), injections, missing);
            }
            if (annotations) {
                classResources(c, missing);
                for (Annotated a : members.annotated()) {
                    if (!targeted.contains(a.target())) {
                        annotated(a, injections, missing);
                    }
                }
            }
            callback(c, members, xmlPostConstruct.get(c.getName()), PostConstruct.class, hierarchy)
                    .ifPresent(postConstruct::add);
            callback(c, members, xmlPreDestroy.get(c.getName()), PreDestroy.class, hierarchy)
                    .ifPresent(preDestroy::add);
        }
        return new Recipe(type, constructor, injections, postConstruct, preDestroy, missing);
    }

    /** The field named t.member, else its setter (Tomcat's order). */
    private Target xmlMember(Class<?> c, ClassMembers members, XmlTarget t) throws DeploymentError {
        Target field = members.fields().get(t.member());
        if (field != null) {
            return field;
        }
        String setter = "set" + Character.toUpperCase(t.member().charAt(0)) + t.member().substring(1);
        for (Method m : members.methods()) {
            if (m.getName().equals(setter) && m.getParameterCount() == 1 && !Modifier.isStatic(m.getModifiers())) {
                return new SetterTarget(m);
            }
        }
        throw new DeploymentError(appName + ": " + t.declaredBy() + ": injection-target " + c.getName() + "." + t.member()
                + ": the class has no such field, nor a method " + setter + "(value)");
    }

    private void annotated(Annotated a, List<Injection> injections, List<Missing> missing) throws DeploymentError {
        Target target = a.target();
        String where = target.describe();
        if (a.isStatic()) {
            throw new DeploymentError(appName + ": @Resource on static " + where + ": a web component's resources"
                    + " are injected into instances, so it must not be static");
        }
        if (target instanceof SetterTarget setter) {
            Method m = setter.method();
            if (!m.getName().startsWith("set") || m.getName().length() == 3 || m.getParameterCount() != 1) {
                throw new DeploymentError(appName + ": @Resource on " + where + ", which is no setter (setName(value))");
            }
        }
        ResourceSays r = a.says();
        String name = r.name().isEmpty() ? target.declaringClass().getName() + "/" + target.property() : r.name();
        if (r.type() != Object.class && !EnvValues.boxed(target.type()).isAssignableFrom(EnvValues.boxed(r.type()))) {
            throw new DeploymentError(appName + ": @Resource(type = " + r.type().getName() + ") on " + where
                    + ", which is a " + target.type().getName());
        }
        // mappedName is product-specific; Jetty and GlassFish read it as a global name. Here it is tried after
        // the reference's own name, and is the name reported when neither is bound.
        List<String> names = !r.lookup().isEmpty() ? List.of(r.lookup())
                : r.mappedName().isEmpty() ? List.of(name) : List.of(name, r.mappedName());
        resolve(target, name, names, "@Resource on " + where, injections, missing);
    }

    /** A class-level @Resource declares a name the app looks up itself: it must be there too. */
    private void classResources(Class<?> c, List<Missing> missing) {
        List<Resource> declared = new ArrayList<>();
        Resource one = c.getAnnotation(Resource.class);
        if (one != null) {
            declared.add(one);
        }
        Resources many = c.getAnnotation(Resources.class);
        if (many != null) {
            declared.addAll(List.of(many.value()));
        }
        for (Resource r : declared) {
            boolean optional = EnvValues.isSimple(r.type());
            String name = r.lookup().isEmpty() ? r.name() : r.lookup();
            if (!r.name().isEmpty() && naming.lookup(name).isEmpty() && !optional) {
                missing.add(new Missing(WebXml.jndiName(r.name()), r.type().getName(), "@Resource on class " + c.getName()));
            }
        }
    }

    /**
     * Injects the value of the first of names that is bound, and binds it at the reference's own
     * name too (Jakarta EE Platform §5.2.5: an injected reference is in java:comp/env under its
     * name); names the last when none is bound.
     */
    private void resolve(Target target, String ownName, List<String> names, String declaredBy,
                         List<Injection> injections, List<Missing> missing) throws DeploymentError {
        Class<?> type = target.type();
        Optional<Object> value = Optional.empty();
        String name = names.get(names.size() - 1);
        for (String candidate : names) {
            value = naming.lookup(candidate);
            if (value.isPresent()) {
                name = candidate;
                break;
            }
        }
        if (value.isEmpty()) {
            // A simple value is an env entry: without one, the field keeps its own (Platform §5.4.1.3).
            if (!EnvValues.isSimple(type) || declaredBy.startsWith("resource-ref")) {
                missing.add(new Missing(WebXml.jndiName(name), type.getName(), declaredBy));
            }
            return;
        }
        Optional<Object> fitting = EnvValues.isSimple(type) ? EnvValues.convert(value.get(), type)
                : type.isInstance(value.get()) ? value : Optional.empty();
        if (fitting.isEmpty()) {
            throw new DeploymentError(appName + ": " + declaredBy + " wants a " + type.getName() + ", but java:comp/env/"
                    + WebXml.jndiName(name) + " is " + AppNaming.describe(value.get()) + " " + quoted(value.get()));
        }
        if (target instanceof FieldTarget f) {
            f.field().setAccessible(true);
        } else if (target instanceof SetterTarget m) {
            m.method().setAccessible(true);
        }
        injections.add(new Injection(target, fitting.get()));
        if (!ownName.startsWith("java:") && naming.lookup(ownName).isEmpty()) {
            aliases.putIfAbsent(WebXml.jndiName(ownName), value.get());
        }
    }

    private static String quoted(Object value) {
        return value instanceof javax.sql.DataSource ? "" : "\"" + value + "\"";
    }

    /**
     * The class's post-construct or pre-destroy method: web.xml's, else the annotated one (at
     * most one per class); none when a subclass overrides it, which then is what runs.
     */
    private Optional<Method> callback(Class<?> c, ClassMembers members, LifecycleCallback xml,
                                      Class<? extends java.lang.annotation.Annotation> annotation,
                                      List<Class<?>> hierarchy) throws DeploymentError {
        String what = "@" + annotation.getSimpleName();
        Method found = null;
        if (xml != null) {
            found = members.methods().stream().filter(m -> m.getName().equals(xml.method()) && m.getParameterCount() == 0)
                    .findFirst().orElseThrow(() -> new DeploymentError(xml.origin() + ": " + c.getName() + " has no method "
                            + xml.method() + "() for " + (annotation == PostConstruct.class ? "post-construct" : "pre-destroy")));
        } else if (annotations) {
            for (Method m : members.methods()) {
                if (m.isAnnotationPresent(annotation)) {
                    if (found != null) {
                        throw new DeploymentError(appName + ": " + c.getName() + " has two " + what + " methods, "
                                + found.getName() + " and " + m.getName() + "; a class may have one");
                    }
                    if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())) {
                        throw new DeploymentError(appName + ": " + what + " method " + c.getName() + "." + m.getName()
                                + " must take no parameters and not be static");
                    }
                    found = m;
                }
            }
        }
        if (found == null || overridden(found, c, hierarchy)) {
            return Optional.empty();
        }
        found.setAccessible(true);
        return Optional.of(found);
    }

    private static boolean overridden(Method m, Class<?> declaring, List<Class<?>> hierarchy) {
        if (Modifier.isPrivate(m.getModifiers())) {
            return false;
        }
        for (Class<?> sub : hierarchy.subList(hierarchy.indexOf(declaring) + 1, hierarchy.size())) {
            try {
                sub.getDeclaredMethod(m.getName());
                return true;
            } catch (NoSuchMethodException | LinkageError e) {
                // not overridden here
            }
        }
        return false;
    }

    /** Makes instances by the recipe; their handles run the pre-destroy methods on release. */
    private final class Factory<T> implements InstanceFactory<T> {
        private final Recipe recipe;

        Factory(Recipe recipe) {
            this.recipe = recipe;
        }

        @Override
        public InstanceHandle<T> createInstance() throws InstantiationException {
            Object instance;
            try {
                instance = recipe.constructor().newInstance();
                for (Injection i : recipe.injections()) {
                    i.inject(instance);
                }
                for (Method m : recipe.postConstruct()) {
                    m.invoke(instance);
                }
            } catch (InvocationTargetException e) {
                throw failed(e.getCause());
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                throw failed(e);
            }
            @SuppressWarnings("unchecked")
            T made = (T) instance;
            return new Handle<>(made, recipe.preDestroy());
        }

        private InstantiationException failed(Throwable cause) {
            var e = new InstantiationException(appName + ": cannot make " + recipe.type().getName() + ": " + cause);
            e.initCause(cause);
            return e;
        }
    }

    private final class Handle<T> implements InstanceHandle<T> {
        private final T instance;
        private final List<Method> preDestroy;

        Handle(T instance, List<Method> preDestroy) {
            this.instance = instance;
            this.preDestroy = preDestroy;
        }

        @Override
        public T getInstance() {
            return instance;
        }

        @Override
        public void release() {
            for (Method m : preDestroy) {
                try {
                    m.invoke(instance);
                } catch (InvocationTargetException e) {
                    log.warn("{}: @PreDestroy {}.{} failed: {}", appName, m.getDeclaringClass().getName(), m.getName(),
                            WarDeployment.describe(e.getCause()));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    log.warn("{}: @PreDestroy {}.{} failed: {}", appName, m.getDeclaringClass().getName(), m.getName(),
                            WarDeployment.describe(e));
                }
            }
        }
    }
}
