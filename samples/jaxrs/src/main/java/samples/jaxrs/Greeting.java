package samples.jaxrs;

/**
 * A greeting as Jackson writes it. contextPath and classLoader show which app answered: every app
 * in the container has a class loader of its own, named after it.
 */
public record Greeting(String message, String framework, String contextPath, String classLoader) {
}
