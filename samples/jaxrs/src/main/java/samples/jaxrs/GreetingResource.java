package samples.jaxrs;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

/** GET /api/greeting?name=... and POST /api/greeting {"name":...}, both answering JSON. */
@Path("greeting")
@Produces(MediaType.APPLICATION_JSON)
public class GreetingResource {
    @Context
    private HttpServletRequest request;

    @GET
    public Greeting greet(@QueryParam("name") @DefaultValue("world") String name) {
        return greeting(name);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Greeting greet(GreetingRequest body) {
        return greeting(body.name());
    }

    private Greeting greeting(String name) {
        return new Greeting("Hello, " + name + "!", "jersey", request.getContextPath(),
                getClass().getClassLoader().getName());
    }
}
