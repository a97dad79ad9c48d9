package dev.container.sessions;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attributes of a session as one {@code bytea}: each attribute Java-serialized on its own,
 * so that one that cannot be written (not Serializable) or read back (its class is gone after a
 * redeploy) costs that attribute only, not the session; and so that an attribute no request
 * asked for is stored again as the bytes it was read as, without being deserialized.
 *
 * <p>Layout: a version byte (1), the count, then per attribute its name and its serialized
 * value, each as a length-prefixed byte string. Stateless; thread-safe.
 */
final class SessionAttributes {
    private static final int VERSION = 1;

    private SessionAttributes() {
    }

    /** The attributes' names and their serialized values, in order. */
    static byte[] join(Map<String, byte[]> serialized) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(serialized.size());
            for (Map.Entry<String, byte[]> e : serialized.entrySet()) {
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                out.writeInt(name.length);
                out.write(name);
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** What {@link #join} wrote: each name with its still serialized value. */
    static Map<String, byte[]> split(byte[] stored) throws IOException {
        Map<String, byte[]> serialized = new LinkedHashMap<>();
        if (stored.length == 0) {
            return serialized;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IOException("unknown layout version " + version);
            }
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String name = new String(in.readNBytes(length(in)), StandardCharsets.UTF_8);
                serialized.put(name, in.readNBytes(length(in)));
            }
        }
        return serialized;
    }

    private static int length(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("truncated");
        }
        return length;
    }

    /** One value, Java-serialized; throws (NotSerializableException naming the class at fault) when it cannot be. */
    static byte[] serialize(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    /** One value, its classes resolved by the app's class loader (the JDK's and the container's through its parents). */
    static Object deserialize(byte[] serialized, ClassLoader loader) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new AppObjectInputStream(new ByteArrayInputStream(serialized), loader)) {
            return in.readObject();
        }
    }

    /** Resolves classes through the app's loader rather than the caller's (the container's). */
    private static final class AppObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        AppObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass type) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(type.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(type); // int, long ... which no loader finds by name
            }
        }

        @Override
        protected Class<?> resolveProxyClass(String[] interfaces) throws IOException, ClassNotFoundException {
            Class<?>[] types = new Class<?>[interfaces.length];
            for (int i = 0; i < interfaces.length; i++) {
                types[i] = Class.forName(interfaces[i], false, loader);
            }
            try {
                @SuppressWarnings("deprecation")
                Class<?> proxy = Proxy.getProxyClass(loader, types);
                return proxy;
            } catch (IllegalArgumentException e) {
                throw new ClassNotFoundException("proxy of " + String.join(", ", interfaces), e);
            }
        }
    }
}
