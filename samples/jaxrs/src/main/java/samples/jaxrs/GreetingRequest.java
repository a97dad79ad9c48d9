package samples.jaxrs;

/** The JSON body of POST /api/greeting, read by Jackson. */
public record GreetingRequest(String name) {
}
