package samples.servlet;

import samples.fragment.Greeter;

/** Picked up by the fragment jar's ServletContainerInitializer through @HandlesTypes(Greeter.class). */
public class EnglishGreeter implements Greeter {
    @Override
    public String greet(String name) {
        return "Hello, " + name + "!";
    }
}
