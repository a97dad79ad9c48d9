package dev.container.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads {@code hosts}: each virtual host's names (each claimed by one host), headers, HSTS,
 * redirect and where its certificate comes from; exactly one is the default. Without the section,
 * {@link HostSpec#DEFAULT} answers every name. Remembers the declared ids, for apps and mounts to
 * name ({@link #ids}), and the challenges hosts chose, for the acme section. One per file read.
 */
final class HostsSection {
    /** The keys of a host and its hsts, for unknown-key checking ({@link ConfigFile#KEYS}). */
    static final Map<String, List<String>> KEYS = Map.of(
            "hosts.*", List.of("names", "default", "headers", "hsts", "https-redirect", "tls", "challenge", "health-path"),
            "hosts.*.hsts", List.of("max-age", "include-subdomains", "preload"));

    static final Duration DEFAULT_HSTS_MAX_AGE = Duration.ofDays(365);

    private static final Pattern HOST_ID = Pattern.compile("[A-Za-z0-9_-]+");
    /** RFC 9110 §5.6.2 token characters. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final List<String> HOST_TLS = List.of("files", "auto", "local");

    private final Reading reading;
    /** Whether the file has an HTTPS listener (what a host's https-redirect needs). */
    private final boolean tlsListeners;
    /** Whether the file has a plain-HTTP listener (what http-01 needs). */
    private final boolean plainListeners;
    /** The challenges hosts with tls = auto chose for themselves, by host id. */
    private final Map<String, AcmeSpec.Challenge> hostChallenges = new HashMap<>();
    /** A host's health-path and where the file says it, for {@link #claimHealthPaths}. */
    private record HealthPath(String hostId, String path, At at, ConfigValue value) {
    }

    private final List<HealthPath> healthPaths = new ArrayList<>();
    /** The host ids the file declares, valid or not, for apps and mounts to refer to. */
    private final Set<String> declaredHosts = new TreeSet<>();

    HostsSection(Reading reading, List<ListenerSpec> listeners) {
        this.reading = reading;
        this.tlsListeners = listeners.stream().anyMatch(ListenerSpec::tls);
        this.plainListeners = listeners.stream().anyMatch(l -> !l.tls());
    }

    /**
     * Claims each host's health-path before the apps and mounts claim theirs (after {@link #read}):
     * one of them on the same path of the same host is then the problem, naming the health-path.
     */
    void claimHealthPaths(PathClaims claims) {
        healthPaths.forEach(h -> claims.claim(List.of(h.hostId()), h.path(), h.at(), h.value(), "health-path"));
    }

    /** A host's health-path: a path such as /healthz, not / (it would hide the whole host). */
    private Optional<String> healthPath(Section host, String id) {
        ConfigValue value = host.has("health-path");
        if (value == null) {
            return Optional.empty();
        }
        String path = host.contextPath("health-path");
        if (path == null) {
            return Optional.empty();
        }
        if (path.equals("/")) {
            host.problemAt("health-path", "expected a path of its own such as /healthz, not / (it would hide the host's apps)");
            return Optional.empty();
        }
        healthPaths.add(new HealthPath(id, path, host.at.child("health-path"), value));
        return Optional.of(path);
    }

    /** The challenges hosts with tls = auto chose for themselves, by host id (after {@link #read}). */
    Map<String, AcmeSpec.Challenge> challenges() {
        return hostChallenges;
    }

    List<HostSpec> read(Section top) {
        ConfigValue value = top.has("hosts");
        if (value == null) {
            return List.of(HostSpec.DEFAULT);
        }
        At at = top.at.child("hosts");
        if (!reading.isType(value, at, ConfigValueType.OBJECT, "an object of hosts, e.g. hosts { shop { names = [shop.example.com] } }")) {
            return List.of(HostSpec.DEFAULT);
        }
        ConfigObject object = (ConfigObject) value;
        if (object.isEmpty()) {
            reading.problem(at, value, "expected at least one host, or no hosts section");
            return List.of(HostSpec.DEFAULT);
        }
        List<String> ids = Reading.inFileOrder(object);
        declaredHosts.addAll(ids);
        List<HostSpec> hosts = new ArrayList<>();
        Map<String, String> nameOwners = new HashMap<>();
        List<String> defaults = new ArrayList<>();
        for (String id : ids) {
            Section host = reading.part(object, at, id, HOST_ID, "a host id may have letters, digits, '-' and '_' only",
                    "an object such as { names = [example.com] }", "hosts.*");
            if (host == null) {
                continue;
            }
            At hostAt = host.at;
            ConfigValue hostValue = host.object;
            boolean isDefault = host.bool("default").orElse(ids.size() == 1);
            List<String> names = new ArrayList<>();
            host.list("names", "a list of host names such as [example.com, \"*.example.com\"]", (v, nameAt) -> {
                if (!reading.isType(v, nameAt, ConfigValueType.STRING, "a host name such as example.com or \"*.example.com\"")) {
                    return;
                }
                String name = HostSpec.normalize((String) v.unwrapped());
                String problem = HostSpec.problem(name);
                if (problem != null) {
                    reading.problem(nameAt, v, "host name '" + v.unwrapped() + "' " + problem);
                    return;
                }
                String owner = nameOwners.putIfAbsent(name, "host " + id + " (" + reading.origin(nameAt, v) + ")");
                if (owner != null) {
                    reading.problem(nameAt, v, "host name '" + name + "' is already claimed by " + owner);
                    return;
                }
                names.add(name);
            });
            List<Header> headers = new ArrayList<>();
            host.object("headers", "an object of header names and values", (headerName, v, headerAt) -> {
                if (!HEADER_NAME.matcher(headerName).matches()) {
                    reading.problem(headerAt, v, "'" + headerName + "' is not a header name");
                } else if (headerName.equalsIgnoreCase("Strict-Transport-Security")) {
                    reading.problem(headerAt, v, "set HSTS with the host's hsts { max-age = ... } section");
                } else if (reading.scalar(v, headerAt, "a header value (a string)")) {
                    headers.add(new Header(headerName, String.valueOf(v.unwrapped())));
                }
            });
            Optional<Hsts> hsts = host.section("hsts", "hosts.*.hsts").map(s -> {
                Hsts h = new Hsts(s.duration("max-age").orElse(DEFAULT_HSTS_MAX_AGE),
                        s.bool("include-subdomains").orElse(false), s.bool("preload").orElse(false));
                s.finish();
                return h;
            });
            boolean httpsRedirect = host.bool("https-redirect").orElse(false);
            if (httpsRedirect && !tlsListeners) {
                host.problemAt("https-redirect", "needs a listener with tls = true to redirect to");
            }
            HostTls tls = hostTls(host, id, names);
            Optional<String> healthPath = healthPath(host, id);
            host.finish();
            if (isDefault) {
                defaults.add(id + " (" + reading.origin(hostAt, hostValue) + ")");
            } else if (names.isEmpty() && host.has("names") == null) {
                reading.problem(hostAt, hostValue, "a host other than the default needs names = [...]");
                continue;
            }
            if (!isDefault && names.isEmpty()) {
                continue; // its names were wrong, and said so
            }
            hosts.add(new HostSpec(id, names, isDefault, headers, hsts, httpsRedirect, tls, healthPath));
        }
        if (defaults.isEmpty()) {
            reading.problem(at, value, "one host must say default = true: it answers requests for names no host claims");
        } else if (defaults.size() > 1) {
            reading.problem(at, value, "only one host may say default = true, but " + String.join(" and ", defaults) + " do");
        }
        if (hosts.stream().filter(HostSpec::isDefault).count() != 1) {
            return List.of(HostSpec.DEFAULT);
        }
        return hosts;
    }

    /** The {@code hosts = [...]} of an app or mount: ids the hosts section declares, each once. */
    List<String> ids(Section section) {
        List<String> ids = new ArrayList<>();
        section.list("hosts", "a list of host ids from the hosts section", (v, at) -> {
            if (!reading.isType(v, at, ConfigValueType.STRING, "a host id from the hosts section")) {
                return;
            }
            String id = (String) v.unwrapped();
            if (!declaredHosts.contains(id)) {
                reading.problem(at, v, declaredHosts.isEmpty() ? "no host '" + id + "': the file has no hosts section"
                        : "no host '" + id + "' in the hosts section" + Reading.suggestion(id, declaredHosts));
            } else if (ids.contains(id)) {
                reading.problem(at, v, "host '" + id + "' listed twice");
            } else {
                ids.add(id);
            }
        });
        return ids;
    }

    /** A host's {@code tls}: where its certificate comes from; auto needs names a CA can validate. */
    private HostTls hostTls(Section host, String id, List<String> names) {
        HostTls tls = host.choice("tls", HOST_TLS).map(t -> HostTls.valueOf(t.toUpperCase(Locale.ROOT)))
                .orElse(HostTls.FILES);
        if (tls == HostTls.AUTO) {
            if (names.isEmpty()) {
                host.problemAt("tls", "tls = auto needs names = [...]: the names to get a certificate for");
            }
            for (String name : names) {
                if (name.startsWith("*.")) {
                    host.problemAt("tls", "tls = auto cannot get a certificate for '" + name
                            + "': wildcards need the dns-01 challenge, which needs your DNS provider;"
                            + " list the names, or use tls = files with a wildcard certificate");
                } else if (name.contains(":") || name.matches("[0-9.]+")) {
                    host.problemAt("tls", "tls = auto cannot get a certificate for the IP address '" + name
                            + "'; public CAs issue for DNS names");
                }
            }
            if (!tlsListeners) {
                host.problemAt("tls", "tls = auto needs a listener with tls = true to serve the certificate on");
            }
        }
        if (tls == HostTls.LOCAL && !tlsListeners) {
            host.problemAt("tls", "tls = local needs a listener with tls = true to serve the certificate on");
        }
        Optional<AcmeSpec.Challenge> challenge = AcmeSection.challenge(host);
        if (challenge.isPresent() && challenge.get() != AcmeSpec.Challenge.AUTO && tls != HostTls.AUTO) {
            host.problemAt("challenge", "challenge is for hosts with tls = auto: this host's certificate does not come"
                    + " from an ACME CA");
        } else if (challenge.isPresent() && tls == HostTls.AUTO) {
            if (challenge.get() == AcmeSpec.Challenge.HTTP_01 && !plainListeners) {
                host.problemAt("challenge", "http-01 needs a plain HTTP listener (the CA connects to port 80)");
            }
            hostChallenges.put(id, challenge.get());
        }
        return tls;
    }
}
