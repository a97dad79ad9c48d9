package samples.faces;

import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;

/**
 * The form of index.xhtml: lives as long as the page's view (postbacks and Ajax requests of the
 * same view see the same instance; a new GET starts a new one), and records each greeting in the
 * session-scoped {@link Visitor}, which Weld injects. The name is validated by the page (required,
 * 2 to 40 characters) before {@link #greet()} runs.
 */
@Named("greeting")
@ViewScoped
public class GreetingForm implements Serializable {
    private static final long serialVersionUID = 1L;

    @Inject
    Visitor visitor;

    private String name;
    private String message;
    private int greetingsInView;

    public void greet() {
        message = "Hello, " + name + "!";
        greetingsInView++;
        visitor.greeted(name);
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getMessage() {
        return message;
    }

    public int getGreetingsInView() {
        return greetingsInView;
    }

    /** The app's class loader, as the other samples report theirs: each app runs isolated. */
    public String getClassLoader() {
        return getClass().getClassLoader().getName();
    }
}
