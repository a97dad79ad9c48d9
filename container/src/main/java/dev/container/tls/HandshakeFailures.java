package dev.container.tls;

import java.util.List;
import java.util.Locale;

/**
 * Why a handshake failed, in a few words a dashboard can group by, from the exception the engine
 * threw. BoringSSL (Conscrypt) names its reasons in capitals at the end of its message
 * ({@code ...:OPENSSL_internal:NO_SHARED_CIPHER}); the JDK's provider writes sentences. Both
 * map to the same few reasons, so that a metric has a bounded set of values.
 */
final class HandshakeFailures {
    /** The reasons, each with the words that mark it (lower case, in the message or its causes'). */
    private static final List<List<String>> REASONS = List.of(
            List.of("protocol_version", "unsupported_protocol", "protocol_version", "no appropriate protocol",
                    "requested protocol", "protocol is disabled"),
            // BoringSSL says WRONG_CURVE when the client's suites need a key exchange or curve we have no key for
            List.of("no_shared_cipher", "no_shared_cipher", "no cipher suites in common", "no_cipher_match",
                    "no shared cipher", "wrong_curve", "no_shared_group"),
            List.of("certificate_refused", "unknown_ca", "bad_certificate", "certificate_unknown", "certificate_expired",
                    "certificate_revoked", "unsupported_certificate", "access_denied"),
            List.of("no_certificate", "no_certificate_set", "no_certificate_assigned", "no available authentication scheme",
                    "no suitable certificate"),
            List.of("not_tls", "http_request", "https_proxy_request", "wrong_version_number", "unknown_protocol",
                    "unsupported or unrecognized ssl message", "plaintext connection", "record_too_large",
                    "invalid_outer_record_type", "not an ssl/tls record", "unable to parse tls packet header")
    );

    private HandshakeFailures() {
    }

    static String reason(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            text.append(' ').append(t.getMessage());
        }
        String message = text.toString().toLowerCase(Locale.ROOT);
        for (List<String> reason : REASONS) {
            for (String mark : reason.subList(1, reason.size())) {
                if (message.contains(mark)) {
                    return reason.get(0);
                }
            }
        }
        return message.contains("alert") ? "alert" : "other";
    }
}
