package dev.container.deploy;

import jakarta.annotation.Resource;
import java.beans.Introspector;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.FieldInfo;
import org.jboss.jandex.Index;
import org.jboss.jandex.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one class of an app offers {@link ResourceInjection}: its instance fields by name, its
 * methods, and the fields and setters it marks with {@code @Resource}; the class's own, not its
 * superclasses'. Read by reflection, or, for the fields of a class reflection cannot list, from the
 * class's own bytes (Jandex, one class: the app's index is not kept after deploy). Immutable once read.
 */
record ClassMembers(Map<String, ClassMembers.Target> fields, List<Method> methods, List<ClassMembers.Annotated> annotated) {
    private static final Logger log = LoggerFactory.getLogger("container");
    private static final DotName RESOURCE = DotName.createSimple(Resource.class.getName());

    /** A field or setter a value goes into. */
    interface Target {
        /** "field a.B.c" or "method a.B.setC", for messages. */
        String describe();

        Class<?> declaringClass();

        /** The field's name, or the setter's property ("setC" -> "c"). */
        String property();

        Class<?> type();

        void set(Object instance, Object value) throws Throwable;
    }

    record FieldTarget(Field field) implements Target {
        public String describe() {
            return "field " + field.getDeclaringClass().getName() + "." + field.getName();
        }

        public Class<?> declaringClass() {
            return field.getDeclaringClass();
        }

        public String property() {
            return field.getName();
        }

        public Class<?> type() {
            return field.getType();
        }

        public void set(Object instance, Object value) throws IllegalAccessException {
            field.set(instance, value);
        }
    }

    record SetterTarget(Method method) implements Target {
        public String describe() {
            return "method " + method.getDeclaringClass().getName() + "." + method.getName();
        }

        public Class<?> declaringClass() {
            return method.getDeclaringClass();
        }

        public String property() {
            return Introspector.decapitalize(method.getName().substring(3));
        }

        public Class<?> type() {
            return method.getParameterTypes()[0];
        }

        public void set(Object instance, Object value) throws ReflectiveOperationException {
            method.invoke(instance, value);
        }
    }

    /** A field found through the class file, when reflection cannot list the class's fields. */
    record HandleTarget(Class<?> declaringClass, String property, Class<?> type, VarHandle handle)
            implements Target {
        public String describe() {
            return "field " + declaringClass.getName() + "." + property;
        }

        public void set(Object instance, Object value) {
            handle.set(instance, value);
        }
    }

    /** What an {@code @Resource} on a field or setter says, read by reflection or from the class file. */
    record ResourceSays(String name, String lookup, String mappedName, Class<?> type) {
        static ResourceSays of(Resource r) {
            return new ResourceSays(r.name(), r.lookup(), r.mappedName(), r.type());
        }
    }

    record Annotated(Target target, ResourceSays says, boolean isStatic) {
    }

    /** A class's own instance fields by name, its methods, and its @Resource fields and setters. */
    /**
     * What reflection shows of a class. A signature naming a class the app does not have (a field
     * of an optional library's type) makes reflection refuse the class's whole list of fields, or
     * of methods; Undertow made such a class without looking. Fields then come from the class
     * file, one by one; methods cannot, and the class gets no callbacks or setter injection, as on
     * Tomcat.
     */
    static ClassMembers read(Class<?> c, ClassLoader appLoader, String appName) {
        Map<String, Target> fields = new LinkedHashMap<>();
        List<Annotated> annotated = new ArrayList<>();
        try {
            for (Field f : c.getDeclaredFields()) {
                boolean isStatic = Modifier.isStatic(f.getModifiers());
                if (!isStatic) {
                    fields.put(f.getName(), new FieldTarget(f));
                }
                Resource r = f.getAnnotation(Resource.class);
                if (r != null) {
                    annotated.add(new Annotated(new FieldTarget(f), ResourceSays.of(r), isStatic));
                }
            }
        } catch (LinkageError e) {
            log.debug("{}: reflection cannot list the fields of {} ({}); reading them from its class file",
                    appName, c.getName(), e.toString());
            indexedFields(c, appLoader, appName, fields, annotated);
        }
        List<Method> methods = List.of();
        try {
            methods = List.of(c.getDeclaredMethods());
        } catch (LinkageError e) {
            log.warn("{}: {} has a method whose signature names a class the app does not have ({}): its @Resource"
                    + " setters and lifecycle methods are skipped", appName, c.getName(), e.toString());
        }
        for (Method m : methods) {
            Resource r = m.getAnnotation(Resource.class);
            if (r != null) {
                annotated.add(new Annotated(new SetterTarget(m), ResourceSays.of(r), Modifier.isStatic(m.getModifiers())));
            }
        }
        return new ClassMembers(fields, methods, annotated);
    }

    /** The instance fields of c its class file declares, each reachable alone through a VarHandle. */
    private static void indexedFields(Class<?> c, ClassLoader appLoader, String appName,
                                      Map<String, Target> fields, List<Annotated> annotated) {
        ClassInfo info;
        try (java.io.InputStream in = appLoader.getResourceAsStream(c.getName().replace('.', '/') + ".class")) {
            if (in == null) {
                return;
            }
            info = Index.singleClass(in);
        } catch (java.io.IOException | RuntimeException e) {
            log.debug("{}: cannot read the class file of {}: {}", appName, c.getName(), e.toString());
            return;
        }
        MethodHandles.Lookup lookup;
        try {
            lookup = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
        } catch (IllegalAccessException e) {
            return;
        }
        for (FieldInfo f : info.fields()) {
            if (Modifier.isStatic(f.flags())) {
                continue;
            }
            AnnotationInstance r = f.annotation(RESOURCE);
            try {
                Class<?> type = typeOf(f.type(), appLoader);
                Target target = new HandleTarget(c, f.name(), type, lookup.findVarHandle(c, f.name(), type));
                fields.put(f.name(), target);
                if (r != null) {
                    Class<?> said = r.value("type") == null ? Object.class : typeOf(r.value("type").asClass(), appLoader);
                    annotated.add(new Annotated(target, new ResourceSays(text(r, "name"), text(r, "lookup"),
                            text(r, "mappedName"), said), false));
                }
            } catch (LinkageError | ReflectiveOperationException e) {
                log.debug("{}: field {}.{} is out of reach: {}", appName, c.getName(), f.name(), e.toString());
                if (r != null) {
                    log.warn("{}: @Resource on field {}.{} is not injected: its type {} is not on the app's class path",
                            appName, c.getName(), f.name(), f.type().name());
                }
            }
        }
    }

    private static String text(AnnotationInstance a, String name) {
        AnnotationValue v = a.value(name);
        return v == null ? "" : v.asString();
    }

    private static Class<?> typeOf(Type t, ClassLoader appLoader) {
        if (t.kind() == Type.Kind.PRIMITIVE) {
            return switch (t.asPrimitiveType().primitive()) {
                case BOOLEAN -> boolean.class;
                case BYTE -> byte.class;
                case CHAR -> char.class;
                case SHORT -> short.class;
                case INT -> int.class;
                case LONG -> long.class;
                case FLOAT -> float.class;
                case DOUBLE -> double.class;
            };
        }
        try {
            return Class.forName(t.name().toString(), false, appLoader);
        } catch (ClassNotFoundException e) {
            throw new NoClassDefFoundError(t.name().toString());
        }
    }

}
