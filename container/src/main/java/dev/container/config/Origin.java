package dev.container.config;

/**
 * Where a configuration value was written: a file and a 1-based line, or only a file when the
 * line is unknown (a value that came from an environment variable, say). Printed as
 * {@code conf/container.conf:12}, the form editors and terminals link to.
 */
public record Origin(String file, int line) {
    public Origin {
        if (file.isEmpty()) {
            throw new IllegalArgumentException("an origin needs a file name");
        }
    }

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line : file;
    }
}
