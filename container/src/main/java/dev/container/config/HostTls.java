package dev.container.config;

/**
 * Where a host's certificate comes from: {@link #FILES}, the {@code certificates} list (or
 * {@code --cert}/{@code --key}); {@link #AUTO}, an ACME CA (the {@code acme} section), ordered
 * and renewed in the background; {@link #LOCAL}, this machine's development CA (as {@code --dev}).
 */
public enum HostTls {
    FILES, AUTO, LOCAL;

    /** As written in the config file: {@code files}, {@code auto}, {@code local}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
