package dev.container.deploy;

import dev.container.deploy.WebDescriptor.EnvEntry;
import java.util.Map;
import java.util.Optional;

/**
 * The simple values of env entries (Jakarta EE Platform §5.4.1.3: String, Character and the boxed
 * primitives): web.xml's text read as its env-entry-type, and any entry's value made the type of
 * the field or setter it is injected into (a config file's {@code limit = 50} into a {@code long},
 * a type-less web.xml entry's "50" into an {@code int}). Stateless.
 */
final class EnvValues {
    private static final Map<Class<?>, Class<?>> BOXES = Map.of(int.class, Integer.class, long.class, Long.class,
            short.class, Short.class, byte.class, Byte.class, double.class, Double.class, float.class, Float.class,
            boolean.class, Boolean.class, char.class, Character.class);

    private EnvValues() {
    }

    /** Whether a value of this type is an env entry (so an {@code @Resource} of it is optional). */
    static boolean isSimple(Class<?> type) {
        return type == String.class || BOXES.containsKey(type) || BOXES.containsValue(type);
    }

    /** The boxed type of a primitive; any other type itself. */
    static Class<?> boxed(Class<?> type) {
        return type.isPrimitive() ? BOXES.get(type) : type;
    }

    /** web.xml's env-entry-value as its env-entry-type (String when none is written). */
    static Object parse(EnvEntry e) throws DeploymentError {
        String typeName = e.type().orElse(String.class.getName());
        Class<?> type = BOXES.values().stream().filter(c -> c.getName().equals(typeName)).findFirst()
                .orElse(typeName.equals(String.class.getName()) ? String.class : null);
        if (type == null) {
            throw new DeploymentError(e.origin() + ": env-entry \"" + e.name() + "\" has env-entry-type " + typeName
                    + "; supported are java.lang.String, Integer, Long, Short, Byte, Double, Float, Boolean and Character");
        }
        String value = e.value().orElseThrow();
        return convert(value, type).orElseThrow(() -> new DeploymentError(e.origin() + ": env-entry \"" + e.name()
                + "\": \"" + value + "\" is not a " + type.getName()));
    }

    /** value as the given type, when it is one or converts without loss; empty when it does not. */
    static Optional<Object> convert(Object value, Class<?> target) {
        Class<?> type = boxed(target);
        if (type.isInstance(value)) {
            return Optional.of(value);
        }
        if (type == String.class) {
            return Optional.of(String.valueOf(value));
        }
        if (value instanceof String s) {
            return parse(s.strip(), type);
        }
        if (value instanceof Number n && Number.class.isAssignableFrom(type)) {
            return number(n, type);
        }
        return Optional.empty();
    }

    private static Optional<Object> parse(String s, Class<?> type) {
        try {
            if (type == Boolean.class) {
                return s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")
                        ? Optional.of(Boolean.valueOf(s)) : Optional.empty();
            }
            if (type == Character.class) {
                return s.length() == 1 ? Optional.of(s.charAt(0)) : Optional.empty();
            }
            if (type == Integer.class) {
                return Optional.of(Integer.valueOf(s));
            }
            if (type == Long.class) {
                return Optional.of(Long.valueOf(s));
            }
            if (type == Short.class) {
                return Optional.of(Short.valueOf(s));
            }
            if (type == Byte.class) {
                return Optional.of(Byte.valueOf(s));
            }
            if (type == Double.class) {
                return Optional.of(Double.valueOf(s));
            }
            if (type == Float.class) {
                return Optional.of(Float.valueOf(s));
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** A whole number into any numeric type it fits; a decimal into Double or Float. */
    private static Optional<Object> number(Number n, Class<?> type) {
        boolean whole = n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte;
        if (type == Double.class) {
            return Optional.of(n.doubleValue());
        }
        if (type == Float.class) {
            return Optional.of(n.floatValue());
        }
        if (!whole) {
            return Optional.empty();
        }
        long l = n.longValue();
        if (type == Long.class) {
            return Optional.of(l);
        }
        if (type == Integer.class && l == (int) l) {
            return Optional.of((int) l);
        }
        if (type == Short.class && l == (short) l) {
            return Optional.of((short) l);
        }
        if (type == Byte.class && l == (byte) l) {
            return Optional.of((byte) l);
        }
        return Optional.empty();
    }
}
