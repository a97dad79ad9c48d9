package samples.jaxrs;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;

/**
 * The JAX-RS application at /api. It lists no classes on purpose: Jersey's
 * ServletContainerInitializer then registers the @Path and @Provider classes the servlet
 * container found for it through @HandlesTypes, so a resource answering proves that scan worked.
 */
@ApplicationPath("/api")
public class GreetingApplication extends Application {
    // WADL needs a JAXB implementation this app does not ship; without the switch Jersey warns at start.
    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.wadl.disableWadl", true);
    }
}
