package dev.container.deploy;

import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.Binding;
import javax.naming.CompositeName;
import javax.naming.Context;
import javax.naming.Name;
import javax.naming.NameClassPair;
import javax.naming.NameNotFoundException;
import javax.naming.NameParser;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.OperationNotSupportedException;
import javax.naming.spi.InitialContextFactory;

/**
 * A read-only {@code java:comp/env} for each app, as Tomcat's: {@code new InitialContext()} in an
 * app returns a context whose lookups find the names of the app the calling thread belongs to
 * (by its context class loader, which is the app's on every request and in its listeners): its
 * env entries and DataSources ({@link AppNaming}). Every app is registered, with names or
 * without, so a lookup of a name an app does not have fails with NameNotFoundException, never
 * NoInitialContextException. Installed as the JVM's initial context factory unless the user
 * chose another. Only lookups: as on Tomcat, the app cannot bind. Thread-safe.
 */
public final class Jndi implements InitialContextFactory {
    private static final String PREFIX = "java:comp/env";
    private static final Map<ClassLoader, Map<String, Object>> ENTRIES = new ConcurrentHashMap<>();

    /** Makes {@code new InitialContext()} ours, unless java.naming.factory.initial is set already. */
    static synchronized void install() {
        if (System.getProperty(Context.INITIAL_CONTEXT_FACTORY) == null) {
            System.setProperty(Context.INITIAL_CONTEXT_FACTORY, Jndi.class.getName());
        }
    }

    static void register(ClassLoader app, Map<String, Object> entries) {
        install();
        ENTRIES.put(app, Map.copyOf(entries));
    }

    /** Adds names to a registered app's (those it has keep their values); nothing for an app not registered. */
    static void bind(ClassLoader app, Map<String, Object> more) {
        if (!more.isEmpty()) {
            ENTRIES.computeIfPresent(app, (loader, entries) -> {
                Map<String, Object> merged = new java.util.HashMap<>(more);
                merged.putAll(entries);
                return Map.copyOf(merged);
            });
        }
    }

    static void unregister(ClassLoader app) {
        ENTRIES.remove(app);
    }

    @Override
    public Context getInitialContext(Hashtable<?, ?> environment) {
        return new Env("");
    }

    /** The entries of the app whose class loader is the thread's (or one of its parents'). */
    private static Map<String, Object> entries() {
        for (ClassLoader l = Thread.currentThread().getContextClassLoader(); l != null; l = l.getParent()) {
            Map<String, Object> found = ENTRIES.get(l);
            if (found != null) {
                return found;
            }
        }
        return Map.of();
    }

    /** The context at base ("" for the initial context, "java:comp/env" below it). */
    private record Env(String base) implements Context {
        @Override
        public Object lookup(String name) throws NamingException {
            String full = base.isEmpty() ? name : name.isEmpty() ? base : base + "/" + name;
            if (full.equals(PREFIX) || full.equals(PREFIX + "/")) {
                return new Env(PREFIX);
            }
            if (full.equals("java:comp") || full.equals("java:comp/")) {
                return new Env("java:comp");
            }
            if (full.startsWith(PREFIX + "/")) {
                String relative = full.substring(PREFIX.length() + 1);
                while (relative.endsWith("/")) {
                    relative = relative.substring(0, relative.length() - 1);
                }
                Map<String, Object> entries = entries();
                Object value = entries.get(relative);
                if (value != null) {
                    return value;
                }
                String below = relative + "/";
                if (entries.keySet().stream().anyMatch(k -> k.startsWith(below))) {
                    return new Env(PREFIX + "/" + relative);
                }
            }
            throw new NameNotFoundException(full + " is not bound (names come from the app's env-entries and resources"
                    + " in the config file, and its web.xml env-entries)");
        }

        @Override
        public Object lookup(Name name) throws NamingException {
            return lookup(name.toString());
        }

        @Override
        public String composeName(String name, String prefix) {
            return prefix.isEmpty() ? name : prefix + "/" + name;
        }

        @Override
        public Name composeName(Name name, Name prefix) throws NamingException {
            return new CompositeName(composeName(name.toString(), prefix.toString()));
        }

        @Override
        public String getNameInNamespace() {
            return base;
        }

        @Override
        public Hashtable<?, ?> getEnvironment() {
            return new Hashtable<>();
        }

        @Override
        public void close() {
        }

        @Override
        public NamingEnumeration<NameClassPair> list(String name) throws NamingException {
            throw readOnly();
        }

        @Override
        public NamingEnumeration<NameClassPair> list(Name name) throws NamingException {
            throw readOnly();
        }

        @Override
        public NamingEnumeration<Binding> listBindings(String name) throws NamingException {
            throw readOnly();
        }

        @Override
        public NamingEnumeration<Binding> listBindings(Name name) throws NamingException {
            throw readOnly();
        }

        @Override
        public void bind(String name, Object obj) throws NamingException {
            throw readOnly();
        }

        @Override
        public void bind(Name name, Object obj) throws NamingException {
            throw readOnly();
        }

        @Override
        public void rebind(String name, Object obj) throws NamingException {
            throw readOnly();
        }

        @Override
        public void rebind(Name name, Object obj) throws NamingException {
            throw readOnly();
        }

        @Override
        public void unbind(String name) throws NamingException {
            throw readOnly();
        }

        @Override
        public void unbind(Name name) throws NamingException {
            throw readOnly();
        }

        @Override
        public void rename(String oldName, String newName) throws NamingException {
            throw readOnly();
        }

        @Override
        public void rename(Name oldName, Name newName) throws NamingException {
            throw readOnly();
        }

        @Override
        public void destroySubcontext(String name) throws NamingException {
            throw readOnly();
        }

        @Override
        public void destroySubcontext(Name name) throws NamingException {
            throw readOnly();
        }

        @Override
        public Context createSubcontext(String name) throws NamingException {
            throw readOnly();
        }

        @Override
        public Context createSubcontext(Name name) throws NamingException {
            throw readOnly();
        }

        @Override
        public Object lookupLink(String name) throws NamingException {
            return lookup(name);
        }

        @Override
        public Object lookupLink(Name name) throws NamingException {
            return lookup(name);
        }

        @Override
        public NameParser getNameParser(String name) {
            return CompositeName::new;
        }

        @Override
        public NameParser getNameParser(Name name) {
            return CompositeName::new;
        }

        @Override
        public Object addToEnvironment(String propName, Object propVal) throws NamingException {
            throw readOnly();
        }

        @Override
        public Object removeFromEnvironment(String propName) throws NamingException {
            throw readOnly();
        }

        private static OperationNotSupportedException readOnly() {
            return new OperationNotSupportedException("java:comp/env is read-only here: it holds the app's env entries");
        }
    }
}
