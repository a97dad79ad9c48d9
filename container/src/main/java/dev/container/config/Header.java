package dev.container.config;

/** A response header a host adds to every response that does not already carry it. */
public record Header(String name, String value) {
    public Header {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a header needs a name");
        }
    }
}
