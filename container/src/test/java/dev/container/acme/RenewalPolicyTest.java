package dev.container.acme;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The renewal schedule as pure functions: lifetime rule, ARI window, backoff, loud expiry. */
class RenewalPolicyTest {
    private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant EXPIRES = ISSUED.plus(Duration.ofDays(90));

    @Test
    void renews_after_two_thirds_of_lifetime() {
        assertThat(RenewalPolicy.due(ISSUED.plus(Duration.ofDays(59)), ISSUED, EXPIRES, Optional.empty(), Optional.empty()))
                .isFalse();
        assertThat(RenewalPolicy.due(ISSUED.plus(Duration.ofDays(60)), ISSUED, EXPIRES, Optional.empty(), Optional.empty()))
                .isTrue();
    }

    @Test
    void short_lived_certificates_follow_their_own_lifetime() {
        Instant expires = ISSUED.plus(Duration.ofDays(6));

        assertThat(RenewalPolicy.renewalTime(ISSUED, expires, Optional.empty())).isEqualTo(ISSUED.plus(Duration.ofDays(4)));
    }

    @Test
    void renew_before_replaces_the_lifetime_rule() {
        assertThat(RenewalPolicy.renewalTime(ISSUED, EXPIRES, Optional.of(Duration.ofDays(10))))
                .isEqualTo(EXPIRES.minus(Duration.ofDays(10)));
    }

    @Test
    void renews_early_when_the_time_chosen_in_the_ari_window_has_come() {
        Instant now = ISSUED.plus(Duration.ofDays(20));

        assertThat(RenewalPolicy.due(now, ISSUED, EXPIRES, Optional.empty(), Optional.of(now.minusSeconds(1)))).isTrue();
        assertThat(RenewalPolicy.due(now, ISSUED, EXPIRES, Optional.empty(), Optional.of(now.plusSeconds(60)))).isFalse();
    }

    @Test
    void picks_a_time_inside_the_ari_window_or_now_when_it_is_over() {
        Instant start = ISSUED.plus(Duration.ofDays(30));
        Instant end = start.plus(Duration.ofDays(2));
        Random random = new Random(7);

        for (int i = 0; i < 100; i++) {
            Instant t = RenewalPolicy.ariTime(start, end, ISSUED, random);
            assertThat(t).isBetween(start, end);
        }
        assertThat(RenewalPolicy.ariTime(start, end, end.plusSeconds(1), random)).isEqualTo(end.plusSeconds(1));
    }

    @Test
    void retries_back_off_exponentially_with_jitter_up_to_a_day() {
        Random random = new Random(1);
        Instant now = ISSUED;

        Duration first = RenewalPolicy.retryDelay(1, now, Optional.empty(), random);
        Duration fifth = RenewalPolicy.retryDelay(5, now, Optional.empty(), random);
        Duration hundredth = RenewalPolicy.retryDelay(100, now, Optional.empty(), random);

        assertThat(first).isBetween(Duration.ofSeconds(30), Duration.ofMinutes(1));
        assertThat(fifth).isBetween(Duration.ofMinutes(8), Duration.ofMinutes(16));
        assertThat(hundredth).isBetween(Duration.ofHours(12), Duration.ofDays(1));
    }

    @Test
    void honours_a_retry_after_later_than_the_backoff() {
        Instant retryAfter = ISSUED.plus(Duration.ofHours(3));

        assertThat(RenewalPolicy.retryDelay(1, ISSUED, Optional.of(retryAfter), new Random(1)))
                .isEqualTo(Duration.ofHours(3));
    }

    @Test
    void expiry_is_near_in_the_last_sixth_of_the_lifetime() {
        assertThat(RenewalPolicy.expiryNear(ISSUED.plus(Duration.ofDays(74)), ISSUED, EXPIRES)).isFalse();
        assertThat(RenewalPolicy.expiryNear(ISSUED.plus(Duration.ofDays(75)), ISSUED, EXPIRES)).isTrue();
    }
}
