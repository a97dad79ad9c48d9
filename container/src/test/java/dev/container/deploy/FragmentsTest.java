package dev.container.deploy;

import static dev.container.deploy.Descriptors.fragmentJar;
import static dev.container.deploy.Descriptors.named;
import static dev.container.deploy.Descriptors.parseWebApp;
import static dev.container.deploy.Descriptors.plainJar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Ordering of WEB-INF/lib jars by their fragments, Servlet 6.0 §8.2.2; merging is in FragmentMergeTest. */
class FragmentsTest {
    private static final String BEFORE_OTHERS = "<ordering><before><others/></before></ordering>\n";
    private static final String AFTER_OTHERS = "<ordering><after><others/></after></ordering>\n";

    @Test
    void without_orderings_jars_keep_their_file_name_order() throws Exception {
        FragmentOrder order = Fragments.order(noWebXml(),
                List.of(plainJar("a.jar"), named("b.jar", "B", ""), plainJar("c.jar")));

        assertThat(order.orderedJars()).containsExactly(jar("a.jar"), jar("b.jar"), jar("c.jar"));
        assertThat(order.excludedJars()).isEmpty();
    }

    @Test
    void absolute_ordering_puts_the_other_jars_where_others_stands() throws Exception {
        WebDescriptor main = parseWebApp("""
                <absolute-ordering><name>C</name><others/><name>A</name></absolute-ordering>
                """);

        FragmentOrder order = Fragments.order(main, List.of(named("a.jar", "A", ""), named("b.jar", "B", ""),
                named("c.jar", "C", ""), plainJar("d.jar")));

        assertThat(order.orderedJars()).containsExactly(jar("c.jar"), jar("b.jar"), jar("d.jar"), jar("a.jar"));
        assertThat(order.excludedJars()).isEmpty();
    }

    @Test
    void absolute_ordering_without_others_excludes_every_unnamed_jar() throws Exception {
        WebDescriptor main = parseWebApp("<absolute-ordering><name>B</name><name>A</name></absolute-ordering>\n");

        FragmentOrder order = Fragments.order(main, List.of(named("a.jar", "A", ""), named("b.jar", "B", ""),
                named("c.jar", "C", ""), plainJar("d.jar")));

        assertThat(order.orderedJars()).containsExactly(jar("b.jar"), jar("a.jar"));
        assertThat(order.excludedJars()).containsExactly(jar("c.jar"), jar("d.jar"));
    }

    @Test
    void an_empty_absolute_ordering_excludes_every_jar() throws Exception {
        WebDescriptor main = parseWebApp("<absolute-ordering/>\n");

        FragmentOrder order = Fragments.order(main, List.of(named("a.jar", "A", ""), plainJar("b.jar")));

        assertThat(order.orderedJars()).isEmpty();
        assertThat(order.excludedJars()).containsExactly(jar("a.jar"), jar("b.jar"));
    }

    @Test
    void absolute_ordering_skips_names_no_jar_has() throws Exception {
        WebDescriptor main = parseWebApp("<absolute-ordering><name>ghost</name><name>A</name></absolute-ordering>\n");

        FragmentOrder order = Fragments.order(main, List.of(named("a.jar", "A", "")));

        assertThat(order.orderedJars()).containsExactly(jar("a.jar"));
    }

    @Test
    void absolute_ordering_overrides_the_fragments_relative_orderings() throws Exception {
        WebDescriptor main = parseWebApp("<absolute-ordering><name>A</name><name>B</name></absolute-ordering>\n");

        FragmentOrder order = Fragments.order(main, List.of(named("a.jar", "A", AFTER_OTHERS),
                named("b.jar", "B", BEFORE_OTHERS)));

        assertThat(order.orderedJars()).containsExactly(jar("a.jar"), jar("b.jar"));
    }

    @Test
    void before_others_goes_first_and_after_others_goes_last() throws Exception {
        FragmentOrder order = Fragments.order(noWebXml(), List.of(named("a.jar", "A", AFTER_OTHERS),
                plainJar("b.jar"), named("c.jar", "C", BEFORE_OTHERS)));

        assertThat(order.orderedJars()).containsExactly(jar("c.jar"), jar("b.jar"), jar("a.jar"));
    }

    @Test
    void before_and_after_names_order_fragments_among_the_others() throws Exception {
        FragmentOrder order = Fragments.order(noWebXml(), List.of(
                named("a.jar", "A", "<ordering><after><name>C</name></after></ordering>\n"),
                named("b.jar", "B", "<ordering><before><name>A</name></before></ordering>\n"),
                named("c.jar", "C", "")));

        assertThat(order.orderedJars()).containsExactly(jar("b.jar"), jar("c.jar"), jar("a.jar"));
    }

    @Test
    void orders_the_first_example_of_the_servlet_spec() throws Exception {
        // §8.2.2, example 1: the spec's answer is F, B, D, E, C, A.
        FragmentOrder order = Fragments.order(noWebXml(), List.of(
                named("a.jar", "A", "<ordering><after><others/><name>C</name></after></ordering>\n"),
                named("b.jar", "B", BEFORE_OTHERS),
                named("c.jar", "C", AFTER_OTHERS),
                named("d.jar", "D", ""),
                named("e.jar", "E", ""),
                named("f.jar", "F", "<ordering><before><others/><name>B</name></before></ordering>\n")));

        assertThat(order.orderedJars()).containsExactly(
                jar("f.jar"), jar("b.jar"), jar("d.jar"), jar("e.jar"), jar("c.jar"), jar("a.jar"));
    }

    @Test
    void orders_the_third_example_of_the_servlet_spec() throws Exception {
        // §8.2.2, example 3: C first, A after B; the spec accepts C, B, A, D among others.
        FragmentOrder order = Fragments.order(noWebXml(), List.of(
                named("a.jar", "A", "<ordering><after><name>B</name></after></ordering>\n"),
                named("b.jar", "B", ""),
                named("c.jar", "C", BEFORE_OTHERS),
                named("d.jar", "D", "")));

        assertThat(order.orderedJars()).containsExactly(jar("c.jar"), jar("b.jar"), jar("a.jar"), jar("d.jar"));
    }

    @Test
    void what_must_precede_a_before_others_fragment_comes_before_the_others_too() throws Exception {
        FragmentOrder order = Fragments.order(noWebXml(), List.of(
                plainJar("a.jar"),
                named("b.jar", "B", "<ordering><after><name>Z</name></after><before><others/></before></ordering>\n"),
                named("z.jar", "Z", "")));

        assertThat(order.orderedJars()).containsExactly(jar("z.jar"), jar("b.jar"), jar("a.jar"));
    }

    @Test
    void ordering_names_no_jar_has_are_ignored() throws Exception {
        FragmentOrder order = Fragments.order(noWebXml(), List.of(
                named("a.jar", "A", "<ordering><after><name>ghost</name></after></ordering>\n"), plainJar("b.jar")));

        assertThat(order.orderedJars()).containsExactly(jar("a.jar"), jar("b.jar"));
    }

    @Test
    void a_cycle_is_an_error_naming_the_fragments() {
        assertThatThrownBy(() -> Fragments.order(noWebXml(), List.of(
                named("a.jar", "A", "<ordering><after><name>C</name></after></ordering>\n"),
                named("b.jar", "B", "<ordering><after><name>A</name></after></ordering>\n"),
                named("c.jar", "C", "<ordering><after><name>B</name></after></ordering>\n"),
                named("d.jar", "D", "<ordering><after><name>C</name></after></ordering>\n"))))
                .isInstanceOf(DeploymentError.class)
                .hasMessage("circular web fragment ordering:"
                        + " \"A\" (a.jar) -> \"B\" (b.jar) -> \"C\" (c.jar) -> \"A\" (a.jar)");
    }

    @Test
    void after_others_before_a_before_others_fragment_is_a_cycle() {
        assertThatThrownBy(() -> Fragments.order(noWebXml(), List.of(
                named("a.jar", "A", "<ordering><after><others/></after><before><name>B</name></before></ordering>\n"),
                named("b.jar", "B", BEFORE_OTHERS))))
                .hasMessage("circular web fragment ordering: \"A\" (a.jar) must come before \"B\" (b.jar),"
                        + " but it is after <others/> and \"B\" (b.jar) is before them");
    }

    @Test
    void two_fragments_with_one_name_are_an_error() {
        assertThatThrownBy(() -> Fragments.order(noWebXml(), List.of(named("a.jar", "same", ""),
                named("b.jar", "same", ""))))
                .hasMessage("shop.war!/WEB-INF/lib/b.jar!/META-INF/web-fragment.xml: web fragment name \"same\" is"
                        + " already used by shop.war!/WEB-INF/lib/a.jar!/META-INF/web-fragment.xml;"
                        + " fragment names must be unique (Servlet 6.0 §8.2.2)");
    }

    @Test
    void lists_the_jars_whose_fragment_is_metadata_complete() throws Exception {
        WebDescriptor complete = Descriptors.parse("<web-fragment metadata-complete=\"true\"/>",
                "shop.war!/WEB-INF/lib/b.jar!/META-INF/web-fragment.xml");

        FragmentOrder order = Fragments.order(noWebXml(), List.of(named("a.jar", "A", ""),
                new FragmentJar(jar("b.jar"), Optional.of(complete))));

        assertThat(order.metadataCompleteJars()).containsExactly(jar("b.jar"));
    }

    @Test
    void a_metadata_complete_web_xml_ignores_fragments_but_still_orders_the_jars() throws Exception {
        WebDescriptor main = Descriptors.parse("<web-app metadata-complete=\"true\"/>");

        FragmentOrder order = Fragments.order(main, List.of(plainJar("a.jar"), fragmentJar("b.jar", BEFORE_OTHERS
                + "<context-param><param-name>p</param-name><param-value>v</param-value></context-param>\n")));

        assertThat(order.orderedJars()).containsExactly(jar("b.jar"), jar("a.jar"));
        assertThat(order.merged()).isEqualTo(main);
    }

    @Test
    void a_web_app_descriptor_in_a_jar_is_an_error() throws Exception {
        WebDescriptor notAFragment = Descriptors.parse("<web-app/>", "shop.war!/WEB-INF/lib/a.jar!/META-INF/web-fragment.xml");

        assertThatThrownBy(() -> Fragments.order(noWebXml(),
                List.of(new FragmentJar(jar("a.jar"), Optional.of(notAFragment)))))
                .hasMessage("shop.war!/WEB-INF/lib/a.jar!/META-INF/web-fragment.xml: root element is <web-app>,"
                        + " expected <web-fragment>");
    }

    private static WebDescriptor noWebXml() {
        return WebDescriptor.empty("shop.war");
    }

    private static Path jar(String file) {
        return Path.of("WEB-INF/lib", file);
    }
}
