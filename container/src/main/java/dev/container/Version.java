package dev.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of container, baked into the jar at build time ("unknown" when run from classes without it). */
public final class Version {
    private static final String NUMBER = read();

    private Version() {
    }

    public static String number() {
        return NUMBER;
    }

    private static String read() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/dev/container/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "unknown");
    }
}
