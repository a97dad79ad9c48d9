package dev.container.probe;

/**
 * One hostile request shape and what a server must do with it.
 *
 * @param name  a stable id, {@code group.shape}, e.g. {@code h1.te-xchunked}; the report's key
 * @param what  what is sent, in words
 * @param check sends it and judges the answer
 */
public record Probe(String name, String what, Check check) {
    /** Sends the shape to the target and judges the answer; an exception is a failure. */
    @FunctionalInterface
    public interface Check {
        Outcome run(Target target) throws Exception;
    }

    public String group() {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }
}
