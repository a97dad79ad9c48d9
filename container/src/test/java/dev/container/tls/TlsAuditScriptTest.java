package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verdict of {@code scripts/tls-audit --check} on testssl's JSON (findings shaped as testssl
 * 3.0 writes them): the allow-list lets only the certificate's own findings through.
 */
class TlsAuditScriptTest {
    @TempDir
    Path dir;

    private record Verdict(int exit, String output) {
    }

    @BeforeEach
    void jq() throws Exception {
        TlsAuditIT.assumeInstalled("jq", "jq");
    }

    private Verdict check(String... findings) throws Exception {
        Path json = dir.resolve("testssl.json");
        Files.writeString(json, "[\n" + String.join(",\n", findings) + "\n]\n");
        Process p = new ProcessBuilder(TlsAuditIT.script().toString(), "--check", json.toString())
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Verdict(p.exitValue(), said);
    }

    private static String finding(String id, String severity, String finding) {
        return "{\"id\": \"" + id + "\", \"ip\": \"localhost/127.0.0.1\", \"port\": \"8443\", \"severity\": \""
                + severity + "\", \"finding\": \"" + finding + "\"}";
    }

    @Test
    void the_certificates_own_findings_pass() throws Exception {
        Verdict verdict = check(finding("TLS1_3", "OK", "offered with final"),
                finding("cert_chain_of_trust", "CRITICAL", "failed (self signed)."),
                finding("cert_expirationStatus <hostCert#1>", "HIGH", "expires < 30 days (29)"),
                finding("cert_revocation", "HIGH", "Neither CRL nor OCSP URI provided"),
                finding("HSTS", "LOW", "not offered"));

        assertThat(verdict.exit()).as(verdict.output()).isZero();
        assertThat(verdict.output()).contains("allowed (certificate): CRITICAL cert_chain_of_trust")
                .contains("allowed (certificate): HIGH cert_expirationStatus <hostCert#1>")
                .contains("  CRITICAL: 1").contains("  LOW: 1");
    }

    @Test
    void any_other_finding_above_low_fails_and_is_named() throws Exception {
        Verdict verdict = check(finding("TLS1_2", "OK", "offered"),
                finding("cert_revocation", "HIGH", "Neither CRL nor OCSP URI provided"),
                finding("security_headers", "MEDIUM", "--"),
                finding("LUCKY13", "LOW", "potentially vulnerable"));

        assertThat(verdict.exit()).isEqualTo(1);
        assertThat(verdict.output()).contains("FAIL: MEDIUM security_headers: --")
                .contains("1 finding(s) above LOW that are not about the certificate")
                .doesNotContain("FAIL: LOW");
    }

    @Test
    void a_scan_that_never_reached_the_server_fails() throws Exception {
        Verdict verdict = check(finding("scanProblem", "FATAL", "Can't connect to 127.0.0.1:8443"));

        assertThat(verdict.exit()).isEqualTo(1);
        assertThat(verdict.output()).contains("no protocol findings");
    }
}
