package dev.container.config;

import java.util.ArrayList;
import java.util.List;

/** Where a value sits: its path through the file (keys and list indexes) and how to print it. */
record At(List<Object> segments, String key) {
    /** The top level of a file. */
    static final At ROOT = new At(List.of(), "");

    At child(String name) {
        List<Object> s = new ArrayList<>(segments);
        s.add(name);
        return new At(s, key.isEmpty() ? quote(name) : key + "." + quote(name));
    }

    At index(int i) {
        List<Object> s = new ArrayList<>(segments);
        s.add(i);
        return new At(s, key + "[" + i + "]");
    }

    private static String quote(String name) {
        return name.matches("[A-Za-z0-9_-]+") ? name : "\"" + name + "\"";
    }
}
