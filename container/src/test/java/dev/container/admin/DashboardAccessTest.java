package dev.container.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Login links (once, for a short time), session cookies, and the same-origin rule of the dashboard. */
class DashboardAccessTest {
    private final MovingClock clock = new MovingClock();
    private final DashboardAccess access = new DashboardAccess(URI.create("http://127.0.0.1:4321/"), clock);

    private static String secretOf(URI link) {
        assertThat(link.toString()).startsWith("http://127.0.0.1:4321/?login=");
        return link.getQuery().substring("login=".length());
    }

    private static List<String> cookie(String session) {
        return List.of("other=1; container-admin-4321=" + session + "; more=2");
    }

    @Test
    void a_login_link_opens_one_session_and_only_once() {
        String secret = secretOf(access.newLink());
        Optional<String> session = access.redeem(secret);
        assertThat(session).isPresent();
        assertThat(access.hasSession(cookie(session.get()))).isTrue();
        assertThat(access.redeem(secret)).isEmpty();
    }

    @Test
    void a_login_link_expires_after_its_lifetime() {
        String secret = secretOf(access.newLink());
        clock.advance(DashboardAccess.LINK_LIFETIME);
        assertThat(access.redeem(secret)).isEmpty();
    }

    @Test
    void a_made_up_link_or_cookie_opens_nothing() {
        access.newLink();
        assertThat(access.redeem("0".repeat(64))).isEmpty();
        assertThat(access.hasSession(cookie("0".repeat(64)))).isFalse();
        assertThat(access.hasSession(List.of())).isFalse();
    }

    @Test
    void a_session_ends_after_being_idle_and_lives_on_while_used() {
        String session = access.redeem(secretOf(access.newLink())).orElseThrow();
        clock.advance(DashboardAccess.SESSION_IDLE.minusMinutes(1));
        assertThat(access.hasSession(cookie(session))).isTrue();
        clock.advance(DashboardAccess.SESSION_IDLE.minusMinutes(1));
        assertThat(access.hasSession(cookie(session))).isTrue();
        clock.advance(DashboardAccess.SESSION_IDLE);
        assertThat(access.hasSession(cookie(session))).isFalse();
    }

    @Test
    void the_cookie_is_named_after_the_port_http_only_and_same_site_strict() {
        String session = access.redeem(secretOf(access.newLink())).orElseThrow();
        assertThat(access.sessionCookie(session))
                .isEqualTo("container-admin-4321=" + session + "; Path=/; HttpOnly; SameSite=Strict");
        // another server's cookie on another port of the same address is not this one's
        assertThat(access.hasSession(List.of("container-admin-4322=" + session))).isFalse();
    }

    @Test
    void only_the_admin_channels_own_origin_is_same_origin() {
        assertThat(access.sameOrigin(Optional.of("http://127.0.0.1:4321"), Optional.empty())).isTrue();
        assertThat(access.sameOrigin(Optional.of("http://127.0.0.1:4321"), Optional.of("cross-site"))).isTrue();
        assertThat(access.sameOrigin(Optional.of("http://127.0.0.1:8080"), Optional.of("same-site"))).isFalse();
        assertThat(access.sameOrigin(Optional.of("http://localhost:4321"), Optional.empty())).isFalse();
        assertThat(access.sameOrigin(Optional.of("null"), Optional.empty())).isFalse();
        assertThat(access.sameOrigin(Optional.empty(), Optional.of("same-origin"))).isTrue();
        assertThat(access.sameOrigin(Optional.empty(), Optional.of("same-site"))).isFalse();
        assertThat(access.sameOrigin(Optional.empty(), Optional.empty())).isFalse();
    }

    @Test
    void old_links_make_way_for_new_ones() {
        String first = secretOf(access.newLink());
        for (int i = 0; i < 40; i++) {
            access.newLink();
        }
        String last = secretOf(access.newLink());
        assertThat(access.redeem(first)).isEmpty();
        assertThat(access.redeem(last)).isPresent();
    }

    private static final class MovingClock extends Clock {
        private Instant now = Instant.parse("2026-05-01T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
