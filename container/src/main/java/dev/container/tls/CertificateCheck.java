package dev.container.tls;

import dev.container.StartupError;
import dev.container.config.CertSpec;
import dev.container.config.HostSpec;
import dev.container.config.HostTls;
import dev.container.config.ListenerSpec;
import dev.container.config.Plan;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * What is wrong with a plan's certificates beyond their files existing, each problem one line
 * naming the file or host at fault: a file that does not read (not PEM or PKCS#12, a wrong
 * password, a key of another certificate), a certificate expired or not yet valid, a host name
 * of an HTTPS plan no certificate covers. {@code container validate} reports them as errors; at
 * start the first kind stops the server and the others are warnings, as a certificate that is
 * about to be replaced should not take plain HTTP down with it. Stateless.
 */
public final class CertificateCheck {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** The problems found, in plan order; empty when the certificates are fine. */
    public record Report(List<String> unreadable, List<String> warnings) {
        public List<String> all() {
            List<String> all = new ArrayList<>(unreadable);
            all.addAll(warnings);
            return all;
        }
    }

    private CertificateCheck() {
    }

    public static Report check(Plan plan, Instant now) {
        List<String> unreadable = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<KeyedCertificate> read = new ArrayList<>();
        // on every core: each key check is a signature and its verification (thousands take seconds)
        List<Object> outcomes = plan.certs().parallelStream().map(CertificateCheck::readOrWhy).toList();
        for (Object outcome : outcomes) {
            if (outcome instanceof KeyedCertificate c) {
                read.add(c);
            } else {
                unreadable.add((String) outcome);
            }
        }
        if (unreadable.isEmpty()) {
            warnings.addAll(warnings(plan, read, now));
        } else {
            read.forEach(c -> {
                String problem = validity(c, now);
                if (problem != null) {
                    warnings.add(problem);
                }
            });
        }
        return new Report(unreadable, warnings);
    }

    private static Object readOrWhy(CertSpec spec) {
        try {
            return KeyedCertificate.read(spec);
        } catch (StartupError e) {
            return e.getMessage();
        }
    }

    /**
     * The warnings about certificates read already (at start, by the {@link CertificateStore}):
     * expired or not yet valid ones, and host names that none covers.
     */
    public static List<String> warnings(Plan plan, List<KeyedCertificate> read, Instant now) {
        List<String> warnings = new ArrayList<>();
        for (KeyedCertificate c : read) {
            String problem = validity(c, now);
            if (problem != null) {
                warnings.add(problem);
            }
        }
        if (!read.isEmpty() && plan.listeners().stream().anyMatch(ListenerSpec::tls)) {
            warnings.addAll(uncovered(plan.hosts(), read));
        }
        return warnings;
    }

    /** Why c cannot be served at now, or null when it can. */
    static String validity(KeyedCertificate c, Instant now) {
        Instant notAfter = c.notAfter();
        Instant notBefore = c.leaf().getNotBefore().toInstant();
        if (now.isAfter(notAfter)) {
            return c.certFile() + ": the certificate for " + names(c) + " expired on " + DAY.format(notAfter)
                    + "; browsers refuse it: renew it";
        }
        if (now.isBefore(notBefore)) {
            return c.certFile() + ": the certificate for " + names(c) + " is not valid before "
                    + DAY.format(notBefore) + " (is this machine's clock right?)";
        }
        return null;
    }

    private static List<String> uncovered(List<HostSpec> hosts, List<KeyedCertificate> certificates) {
        List<String> problems = new ArrayList<>();
        Set<String> covered = new HashSet<>();
        certificates.forEach(c -> covered.addAll(c.names()));
        for (HostSpec host : hosts) {
            if (host.tls() != HostTls.FILES) {
                continue; // its certificate comes from ACME or the local CA
            }
            for (String name : host.names()) {
                if (isIpLiteral(name)) {
                    continue; // clients send no SNI for an address: they get the default certificate
                }
                String h = name.toLowerCase(Locale.ROOT);
                int dot = h.indexOf('.');
                if (!covered.contains(h) && !(dot > 0 && covered.contains("*" + h.substring(dot)))) {
                    problems.add("host " + host.id() + ": no certificate covers " + name + " (the certificates cover "
                            + some(new TreeSet<>(covered)) + "); browsers would refuse it over HTTPS");
                }
            }
        }
        return problems;
    }

    /** The names, or the first ten of them and how many more. */
    private static String some(TreeSet<String> names) {
        if (names.size() <= 10) {
            return String.join(", ", names);
        }
        return String.join(", ", names.stream().limit(10).toList()) + " and " + (names.size() - 10) + " more";
    }

    private static boolean isIpLiteral(String name) {
        return name.contains(":") || name.matches("[0-9.]+");
    }

    private static String names(KeyedCertificate c) {
        return c.names().isEmpty() ? "(no names)" : String.join(", ", new TreeSet<>(c.names()));
    }
}
