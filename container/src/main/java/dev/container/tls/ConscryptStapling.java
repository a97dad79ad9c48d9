package dev.container.tls;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import javax.net.ssl.SSLEngine;

/**
 * Hands a Conscrypt server engine the OCSP response to staple. Conscrypt 2.9.0 has no public call
 * for it on OpenJDK (Android's has one): each engine's parameters carry the response
 * ({@code SSLParametersImpl.setOCSPResponse}), and when the handshake begins Conscrypt passes it to
 * BoringSSL ({@code SSL_set_ocsp_response}), which sends it to clients that ask (status_request).
 * That package-private setter is reached here, looked up once, through the engine Conscrypt wraps
 * in a {@code Java8EngineWrapper}; a Conscrypt without them (another version) makes
 * {@link #problem} say why, and stapling stays off. Stateless, thread-safe.
 */
final class ConscryptStapling {
    private static final MethodHandle UNWRAP;
    private static final MethodHandle PARAMETERS;
    private static final MethodHandle SET_RESPONSE;
    private static final Class<?> ENGINE;
    private static final String PROBLEM;

    static {
        MethodHandle unwrap = null;
        MethodHandle parameters = null;
        MethodHandle setResponse = null;
        Class<?> engine = null;
        String problem = null;
        try {
            engine = Class.forName("org.conscrypt.ConscryptEngine");
            Field field = engine.getDeclaredField("sslParameters");
            field.setAccessible(true);
            Method method = Class.forName("org.conscrypt.SSLParametersImpl").getDeclaredMethod("setOCSPResponse", byte[].class);
            method.setAccessible(true);
            Method delegate = Class.forName("org.conscrypt.Java8EngineWrapper").getDeclaredMethod("getDelegate", SSLEngine.class);
            delegate.setAccessible(true);
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            parameters = lookup.unreflectGetter(field).asType(MethodType.methodType(Object.class, Object.class));
            setResponse = lookup.unreflect(method).asType(MethodType.methodType(void.class, Object.class, byte[].class));
            unwrap = lookup.unreflect(delegate);
        } catch (ReflectiveOperationException | RuntimeException e) {
            problem = "this Conscrypt, which has no known way to set an engine's OCSP response (" + e + ")";
        }
        UNWRAP = unwrap;
        PARAMETERS = parameters;
        SET_RESPONSE = setResponse;
        ENGINE = engine;
        PROBLEM = problem;
    }

    private ConscryptStapling() {
    }

    /**
     * Why stapling cannot work on engines like sample (one of the server context's Conscrypt
     * engines), or null when it can.
     */
    static String problem(SSLEngine sample) {
        if (PROBLEM != null) {
            return PROBLEM;
        }
        return conscryptEngine(sample) == null
                ? "this Conscrypt, whose engines (" + sample.getClass().getName() + ") hide their parameters" : null;
    }

    /**
     * Makes engine (a Conscrypt server engine whose handshake has not begun) staple response; on an
     * engine that is not one, nothing happens (a handshake without a staple rather than none).
     */
    static void set(SSLEngine engine, byte[] response) {
        try {
            Object inner = conscryptEngine(engine);
            if (inner != null) {
                SET_RESPONSE.invokeExact(PARAMETERS.invokeExact(inner), response);
            }
        } catch (RuntimeException e) {
            // checked at start on an engine of the same context: not expected, and no reason to fail the handshake
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e); // neither declares a checked exception
        }
    }

    /** The ConscryptEngine itself (engines come wrapped), or null when engine is not one. */
    private static Object conscryptEngine(SSLEngine engine) {
        if (PROBLEM != null) {
            return null;
        }
        try {
            SSLEngine inner = (SSLEngine) UNWRAP.invokeExact(engine);
            return ENGINE.isInstance(inner) ? inner : null;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
