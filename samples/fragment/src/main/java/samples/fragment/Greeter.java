package samples.fragment;

/** Implemented by apps that use this library; found by {@link GreeterInitializer} through @HandlesTypes. */
public interface Greeter {
    String greet(String name);
}
