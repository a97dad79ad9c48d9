package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Conscrypt this build ships still has what resumed handshakes are told by (MetricsTest counts them live). */
class ConscryptResumptionTest {
    @Test
    void conscrypts_session_reused_call_is_found() {
        assertThat(ConscryptResumption.available()).isTrue();
    }
}
