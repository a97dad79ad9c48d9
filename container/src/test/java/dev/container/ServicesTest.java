package dev.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.container.admin.Control;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry of the container's running parts: start order, reverse stop, failures, lookup by type. */
class ServicesTest {
    private final List<String> events = new ArrayList<>();
    private final Services services = new Services();

    /** A part that records what is done to it, and fails where told. */
    private class Part implements Service {
        final String name;
        final Exception startFailure;
        final RuntimeException stopFailure;

        Part(String name) {
            this(name, null, null);
        }

        Part(String name, Exception startFailure, RuntimeException stopFailure) {
            this.name = name;
            this.startFailure = startFailure;
            this.stopFailure = stopFailure;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start() throws Exception {
            events.add("start " + name);
            if (startFailure != null) {
                throw startFailure;
            }
        }

        @Override
        public void stop() {
            events.add("stop " + name);
            if (stopFailure != null) {
                throw stopFailure;
            }
        }

        @Override
        public String describe() {
            return name + " is fine";
        }
    }

    private final class Special extends Part {
        Special() {
            super("special");
        }
    }

    @Test
    void parts_stop_in_reverse_start_order_once() {
        services.start(new Part("certificates"));
        services.start(new Part("apps"));
        services.start(new Part("listeners"));

        services.stopAll();
        services.stopAll();

        assertThat(events).containsExactly("start certificates", "start apps", "start listeners",
                "stop listeners", "stop apps", "stop certificates");
    }

    @Test
    void views_list_the_parts_in_start_order_with_their_state_and_detail() {
        services.start(new Part("apps"));
        services.start(new Part("jobs"));

        assertThat(services.views()).extracting(Control.ServiceView::name, Control.ServiceView::state,
                Control.ServiceView::detail).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("apps", "running", "apps is fine"),
                        org.assertj.core.groups.Tuple.tuple("jobs", "running", "jobs is fine"));
        services.stopAll();
        assertThat(services.views()).extracting(Control.ServiceView::state).containsOnly("stopped");
    }

    @Test
    void a_part_that_fails_to_start_is_stopped_and_not_registered() {
        services.start(new Part("apps"));

        assertThatThrownBy(() -> services.start(new Part("admin", new IOException("Address already in use"), null)))
                .isInstanceOf(StartupError.class).hasMessage("admin: Address already in use");
        assertThatThrownBy(() -> services.start(new Part("jobs", new StartupError("jobs: no", null), null)))
                .isInstanceOf(StartupError.class).hasMessage("jobs: no");

        assertThat(services.views()).extracting(Control.ServiceView::name).containsExactly("apps");
        services.stopAll();
        assertThat(events).containsExactly("start apps", "start admin", "stop admin", "start jobs", "stop jobs",
                "stop apps");
    }

    @Test
    void a_part_whose_stop_throws_does_not_keep_the_others_running() {
        services.start(new Part("certificates"));
        services.start(new Part("listeners", null, new IllegalStateException("boom")));
        services.start(new Part("admin"));

        services.stopAll();

        assertThat(events).containsExactly("start certificates", "start listeners", "start admin",
                "stop admin", "stop listeners", "stop certificates");
    }

    @Test
    void parts_are_found_by_type() {
        services.start(new Part("apps"));
        Special special = services.start(new Special());

        assertThat(services.find(Special.class)).containsSame(special);
        assertThat(services.find(Runnable.class)).isEmpty();
    }
}
