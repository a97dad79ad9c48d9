package samples.fragment;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.annotation.HandlesTypes;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Started by the container through ServiceLoader, the way Spring's SpringServletContainerInitializer
 * and Jersey's JerseyServletContainerInitializer are: it receives every {@link Greeter} class of the
 * app and registers a servlet at /greeters that uses them.
 */
@HandlesTypes(Greeter.class)
public class GreeterInitializer implements ServletContainerInitializer {

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        List<Greeter> greeters = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        if (classes != null) {
            for (Class<?> c : classes) {
                if (c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
                    continue;
                }
                try {
                    greeters.add((Greeter) c.getDeclaredConstructor().newInstance());
                    names.add(c.getName());
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot create " + c.getName(), e);
                }
            }
        }
        context.addServlet("greeters", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain;charset=UTF-8");
                resp.getWriter().println("greeters: " + names);
                for (Greeter g : greeters) {
                    resp.getWriter().println(g.greet("container"));
                }
            }
        }).addMapping("/greeters");
    }
}
