package dev.container.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * Path traversal on a static mount in every encoding, and an app's WEB-INF and META-INF: no
 * response may ever carry the secret file's content or the app's descriptors.
 */
final class StaticProbes {
    /** Ways to write "..", a separator, or both, as attackers do. */
    private static final List<String> TRAVERSALS = List.of(
            "../{}", "%2e%2e/{}", "%2E%2E/{}", ".%2e/{}", "%2e%2e%2f{}", "..%2f{}", "..%5c{}", "..\\{}",
            "%252e%252e/{}", "%252e%252e%252f{}", "%c0%ae%c0%ae/{}", "%c0%ae%c0%ae%c0%af{}", "..;/{}",
            ";/../{}", "x/..%00/../{}", "./../{}", "x/../../{}", "%2e%2e/%2e%2e/{}", "..%00/{}", "....//{}",
            "%u002e%u002e/{}");

    private StaticProbes() {
    }

    static List<Probe> all() {
        List<Probe> probes = new ArrayList<>();
        probes.add(new Probe("static.traversal", TRAVERSALS.size() + " encodings of ../ towards a file just outside the static root",
                StaticProbes::traversal));
        probes.add(new Probe("static.web-inf", "an app's WEB-INF and META-INF in several spellings", StaticProbes::webInf));
        return probes;
    }

    private static Outcome traversal(Target t) throws Exception {
        if (t.secret().isEmpty()) {
            return Outcome.skip("no --secret file given");
        }
        String base = t.file().substring(0, t.file().lastIndexOf('/') + 1);
        List<String> leaked = new ArrayList<>();
        for (String shape : TRAVERSALS) {
            String path = base + shape.replace("{}", t.secret().get());
            Exchange x = Exchange.run(t, t.anyHttp1(), "GET " + path + " HTTP/1.1\r\nHost: " + t.host() + "\r\nConnection: close\r\n\r\n");
            if (x.replies().stream().anyMatch(r -> r.body().contains(t.secretMarker()))) {
                leaked.add(path);
            }
        }
        return Outcome.of(leaked.isEmpty(), leaked.isEmpty() ? "nothing outside the root served (" + TRAVERSALS.size() + " paths)"
                : "served the secret for " + leaked);
    }

    private static Outcome webInf(Target t) throws Exception {
        if (t.app().isEmpty()) {
            return Outcome.skip("no --app given");
        }
        String app = t.app().get().endsWith("/") ? t.app().get() : t.app().get() + "/";
        List<String> paths = List.of("WEB-INF/web.xml", "web-inf/web.xml", "WEB-INF%2fweb.xml", "%57EB-INF/web.xml",
                "./WEB-INF/web.xml", "WEB-INF./web.xml", ";x/WEB-INF/web.xml", "x/../WEB-INF/web.xml", "WEB-INF/",
                "META-INF/MANIFEST.MF", "%4d%45%54%41-INF/MANIFEST.MF");
        List<String> leaked = new ArrayList<>();
        for (String p : paths) {
            Exchange x = Exchange.run(t, t.anyHttp1(), "GET " + app + p + " HTTP/1.1\r\nHost: " + t.host() + "\r\nConnection: close\r\n\r\n");
            if (x.replies().stream().anyMatch(r -> r.status() == 200 && (r.body().contains("<web-app") || r.body().contains("Manifest-Version")
                    || r.body().contains("web.xml")))) {
                leaked.add(p);
            }
        }
        return Outcome.of(leaked.isEmpty(), leaked.isEmpty() ? "none served (" + paths.size() + " paths)" : "served " + leaked);
    }
}
