package dev.container.tls;

/**
 * Whether the handshake being processed on this thread comes from a client that offered ALPN
 * {@code acme-tls/1} (RFC 8737): set by {@link TlsAlpnChallenges} around the engine calls that
 * read the ClientHello, read by {@link SniKeyManager} when it picks a certificate. A thread-local
 * because a JSSE key manager is handed the engine, not the ClientHello's ALPN list; BoringSSL
 * (Conscrypt) picks the certificate inside the unwrap call that reads the ClientHello, on the
 * same thread, and the JDK provider inside a delegated task, which the engine wraps likewise.
 */
final class AcmeTlsAlpn {
    /** The ALPN protocol of tls-alpn-01. */
    static final String PROTOCOL = "acme-tls/1";
    private static final ThreadLocal<Boolean> OFFERED = ThreadLocal.withInitial(() -> false);

    private AcmeTlsAlpn() {
    }

    static boolean offered() {
        return OFFERED.get();
    }

    /** Runs the engine call with the flag set as given, and cleared after. */
    static <T, E extends Exception> T with(boolean offered, EngineCall<T, E> call) throws E {
        if (!offered) {
            return call.run();
        }
        OFFERED.set(true);
        try {
            return call.run();
        } finally {
            OFFERED.set(false);
        }
    }

    @FunctionalInterface
    interface EngineCall<T, E extends Exception> {
        T run() throws E;
    }
}
