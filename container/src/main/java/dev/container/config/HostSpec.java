package dev.container.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A virtual host: the names it answers to (exact, or a wildcard {@code *.example.com} for any one
 * label in front of {@code example.com}), whether it takes requests no other host claims, and
 * the headers it adds to its responses, and whether it sends plain-HTTP requests to HTTPS (a 308,
 * which keeps the method and body), and where its certificate comes from ({@link HostTls}: files, or
 * ACME for {@code tls = auto}), and where it answers load balancers' health checks without a token
 * ({@code healthPath}: PATH, PATH/live, PATH/ready). Apps and static mounts name it by {@code id}.
 */
public record HostSpec(String id, List<String> names, boolean isDefault, List<Header> headers, Optional<Hsts> hsts,
                       boolean httpsRedirect, HostTls tls, Optional<String> healthPath) {
    /** The only host of a plan that does not configure hosts: no names, takes every request. */
    public static final HostSpec DEFAULT = new HostSpec("default", List.of(), true, List.of(), Optional.empty());

    /** A host that serves plain HTTP as it comes. */
    public HostSpec(String id, List<String> names, boolean isDefault, List<Header> headers, Optional<Hsts> hsts) {
        this(id, names, isDefault, headers, hsts, false);
    }

    /** A host whose certificate, if any, comes from the certificate files. */
    public HostSpec(String id, List<String> names, boolean isDefault, List<Header> headers, Optional<Hsts> hsts,
                    boolean httpsRedirect) {
        this(id, names, isDefault, headers, hsts, httpsRedirect, HostTls.FILES);
    }

    /** A host without a public health path. */
    public HostSpec(String id, List<String> names, boolean isDefault, List<Header> headers, Optional<Hsts> hsts,
                    boolean httpsRedirect, HostTls tls) {
        this(id, names, isDefault, headers, hsts, httpsRedirect, tls, Optional.empty());
    }

    /** This host with its certificates from ACME and these names added to its own. */
    public HostSpec withAutoTls(List<String> moreNames) {
        List<String> all = new java.util.ArrayList<>(names);
        moreNames.stream().filter(n -> !all.contains(n)).forEach(all::add);
        return new HostSpec(id, all, isDefault, headers, hsts, httpsRedirect, HostTls.AUTO, healthPath);
    }

    public HostSpec {
        names = List.copyOf(names);
        headers = List.copyOf(headers);
        if (!isDefault && names.isEmpty()) {
            throw new IllegalArgumentException("host " + id + " has no names and is not the default");
        }
        for (String name : names) {
            String problem = problem(name);
            if (problem != null) {
                throw new IllegalArgumentException("host " + id + ": name '" + name + "' " + problem);
            }
        }
    }

    /** Lower case, no trailing dot, no brackets around an IPv6 literal: how Host headers are compared. */
    public static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("[") && n.endsWith("]")) {
            n = n.substring(1, n.length() - 1);
        }
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        return n;
    }

    /**
     * Why {@code name} (as {@link #normalize} leaves it) is not a usable host name, or null when
     * it is: letters, digits, '-' and '.', optionally behind one leading "*." label; or an IPv6 literal.
     */
    public static String problem(String name) {
        String rest = name.startsWith("*.") ? name.substring(2) : name;
        if (rest.isEmpty()) {
            return "is empty";
        }
        if (rest.contains(":")) {
            for (int i = 0; i < rest.length(); i++) {
                char c = rest.charAt(i);
                if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                    return "is not an IPv6 address";
                }
            }
            return name.startsWith("*.") ? "cannot be a wildcard of an IPv6 address" : null;
        }
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '*') {
                return "may have '*' only as its whole first label, as in *.example.com";
            }
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
                return "contains '" + c + "'; expected letters, digits, '-' and '.'";
            }
        }
        if (rest.startsWith(".") || rest.contains("..")) {
            return "has an empty label";
        }
        return null;
    }
}
