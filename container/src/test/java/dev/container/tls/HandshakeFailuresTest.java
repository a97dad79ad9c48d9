package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The messages BoringSSL (through Conscrypt) and the JDK's provider give, each to its reason (MetricsTest sees them live). */
class HandshakeFailuresTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Read error: ssl=0x7f: Failure in SSL library, usually a protocol error\\nerror:100000f3:SSL routines:OPENSSL_internal:WRONG_CURVE (handshake_server.cc:182)|no_shared_cipher",
        "error:100000b8:SSL routines:OPENSSL_internal:NO_SHARED_CIPHER|no_shared_cipher",
        "no cipher suites in common|no_shared_cipher",
        "error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL|protocol_version",
        "Client requested protocol TLSv1.1 is not enabled or supported in server context|protocol_version",
        "Unable to parse TLS packet header|not_tls",
        "Unrecognized SSL message, plaintext connection?|not_tls",
        "error:1000009c:SSL routines:OPENSSL_internal:HTTP_REQUEST|not_tls",
        "error:10000418:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA|certificate_refused",
        "Received fatal alert: certificate_unknown|certificate_refused",
        "Received fatal alert: decode_error|alert",
        "something new|other",
    })
    void a_failure_gets_its_reason(String message, String reason) {
        String text = message.replace("\\n", "\n");
        assertThat(HandshakeFailures.reason(new SSLHandshakeException(text))).isEqualTo(reason);
        assertThat(HandshakeFailures.reason(new SSLException("wrapped", new SSLException(text)))).isEqualTo(reason);
    }
}
