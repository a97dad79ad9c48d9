package samples.faces;

import jakarta.enterprise.context.SessionScoped;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The visitor's session: whom they greeted, on any page and in any view. A CDI bean that the
 * Faces page (through EL and {@link GreetingForm}) and a plain servlet ({@link VisitorServlet})
 * share by injection. Requests of one session may run at once, so its methods are synchronized.
 */
@Named
@SessionScoped
public class Visitor implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> greeted = new ArrayList<>();

    public synchronized void greeted(String name) {
        greeted.add(name);
    }

    public synchronized int getCount() {
        return greeted.size();
    }

    public synchronized String getNames() {
        return String.join(", ", greeted);
    }
}
