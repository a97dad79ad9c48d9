package dev.container.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads {@code certificates}, the files the HTTPS listeners serve when hosts do not get their own. */
final class CertificatesSection {
    /** The keys of a certificate object, for unknown-key checking ({@link ConfigFile#KEYS}). */
    static final Map<String, List<String>> KEYS = Map.of("certificates[]", List.of("cert", "key", "password"));

    private CertificatesSection() {
    }

    /**
     * The certificates of the HTTPS listeners: PEM pairs, or PKCS#12 files alone, that must exist
     * (their contents are checked at start, and by {@code container validate}).
     */
    static List<CertSpec> read(Section top) {
        Reading reading = top.reading;
        List<CertSpec> result = new ArrayList<>();
        String shape = "{ cert = FILE, key = FILE } or { cert = FILE.p12, password = \"...\" }";
        top.list("certificates", "a list of " + shape, (value, at) -> {
            if (value.valueType() != ConfigValueType.OBJECT) {
                reading.problem(at, value, "expected " + shape + ", got " + Reading.describe(value));
                return;
            }
            ConfigObject object = (ConfigObject) value;
            Section entry = reading.section(object, at, "certificates[]");
            Optional<Path> cert = entry.path("cert");
            Optional<Path> key = entry.path("key");
            Optional<String> password = entry.string("password");
            entry.finish();
            if (cert.isEmpty()) {
                reading.problem(at, value, "a certificate needs cert = FILE (PEM, or PKCS#12 with its password)");
                return;
            }
            if (!Files.isRegularFile(cert.get())) {
                reading.problem(at.child("cert"), object.get("cert"), "no such file: " + cert.get());
                return;
            }
            boolean pkcs12 = CertSpec.looksLikePkcs12(cert.get());
            if (key.isEmpty()) {
                if (pkcs12) {
                    result.add(CertSpec.pkcs12(cert.get(), password));
                } else {
                    reading.problem(at, value, "a PEM certificate needs key = FILE (only a PKCS#12 file holds its own key)");
                }
            } else if (pkcs12) {
                reading.problem(at.child("key"), object.get("key"), cert.get().getFileName()
                        + " is a PKCS#12 file, which holds its own key: leave key out");
            } else if (!Files.isRegularFile(key.get())) {
                reading.problem(at.child("key"), object.get("key"), "no such file: " + key.get());
            } else {
                result.add(new CertSpec(cert.get(), key.get(), password));
            }
        });
        return result;
    }

    /** A listener with tls = true needs certificates, unless every host gets its own (tls = auto or local). */
    static void checkNeeded(Section top, List<ListenerSpec> listeners, List<HostSpec> hosts) {
        boolean autoTls = hosts.stream().anyMatch(h -> h.tls() != HostTls.FILES);
        ConfigValue certificatesGiven = top.object.get("certificates");
        boolean noCertificates = certificatesGiven == null
                || certificatesGiven instanceof ConfigList list && list.isEmpty();
        if (noCertificates && !autoTls && listeners.stream().anyMatch(ListenerSpec::tls)) {
            top.reading.problem(top.at.child("listeners"), top.object.get("listeners"),
                    "a listener with tls = true needs certificates = [{ cert = FILE, key = FILE }]");
        }
    }
}
