package dev.container.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which TLS implementation the HTTPS listeners use ({@code --tls-provider}, config key
 * {@code tls-provider}): {@link #AUTO} takes Conscrypt (BoringSSL) where its native library loads
 * and the JDK's provider otherwise, with a warning; {@link #CONSCRYPT} makes a Conscrypt that
 * cannot load a start-up error; {@link #JDK} always uses the JDK's (SunJSSE).
 */
public enum TlsProvider {
    AUTO, CONSCRYPT, JDK;

    /** The names as users write them, in declaration order: auto, conscrypt, jdk. */
    public static final List<String> NAMES = Arrays.stream(values()).map(TlsProvider::configName).toList();

    /** The name users write: "auto", "conscrypt" or "jdk". */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The provider named so (any case), if it is one. */
    public static Optional<TlsProvider> named(String name) {
        return Arrays.stream(values()).filter(p -> p.configName().equals(name.toLowerCase(Locale.ROOT))).findFirst();
    }
}
