package dev.container.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the build put the sample apps the tests deploy (set by the pom as system properties). */
public final class Samples {
    private Samples() {
    }

    /** samples/servlet, packaged by the reactor before this module's tests run. */
    public static Path servletWar() {
        return existing(Path.of(property("samples.dir"), "servlet.war"));
    }

    /** samples/jaxrs: Jersey 3 with Jackson, started by Jersey's ServletContainerInitializer. */
    public static Path jaxrsWar() {
        return existing(Path.of(property("samples.dir"), "jaxrs.war"));
    }

    /** samples/spring: Spring MVC with Thymeleaf, started by a WebApplicationInitializer. */
    public static Path springWar() {
        return existing(Path.of(property("samples.dir"), "spring.war"));
    }

    /** samples/boot: a Spring Boot WAR started through SpringBootServletInitializer. */
    public static Path bootWar() {
        return existing(Path.of(property("samples.dir"), "boot.war"));
    }

    /** samples/faces: Jakarta Faces (Mojarra) with CDI (Weld), both in its WEB-INF/lib. */
    public static Path facesWar() {
        return existing(Path.of(property("samples.dir"), "faces.war"));
    }

    /** samples/site: the static site. */
    public static Path site() {
        return existing(Path.of(property("site.dir")));
    }

    /** samples/users.properties: the demo's users (alice: user, admin; bob: user). */
    public static Path users() {
        return existing(Path.of(property("site.dir")).resolveSibling("users.properties"));
    }

    /**
     * A jar or WAR from Maven Central that the pom copies into target/test-libs (never onto the
     * test class path): jstl.jar, jstl-api.jar, javax-servlet-api.jar (Servlet 4, javax.*),
     * jolokia-war.war (org.jolokia:jolokia-war 1.7.2, a javax WAR).
     */
    public static Path testLib(String name) {
        return existing(Path.of(property("test.libs.dir"), name));
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set: run the tests through Maven");
        }
        return value;
    }

    private static Path existing(Path path) {
        if (!Files.exists(path)) {
            throw new IllegalStateException(path + " is missing: build the samples first (./mvnw verify from the top)");
        }
        return path.toAbsolutePath().normalize();
    }
}
