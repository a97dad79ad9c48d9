package dev.container.deploy;

import static dev.container.deploy.Descriptors.fragmentJar;
import static dev.container.deploy.Descriptors.parseWebApp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.container.deploy.WebDescriptor.FilterMapping;
import dev.container.deploy.WebDescriptor.Param;
import dev.container.deploy.WebDescriptor.Servlet;
import dev.container.deploy.WebDescriptor.ServletMapping;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Merging fragments into web.xml, Servlet 6.0 §8.2.3, through {@link Fragments#order}. */
class FragmentMergeTest {

    @Test
    void merges_the_sample_fragment_into_the_sample_web_xml() throws Exception {
        WebDescriptor main = parseFile("../samples/servlet/src/main/webapp/WEB-INF/web.xml", "servlet.war!/WEB-INF/web.xml");
        WebDescriptor fragment = parseFile("../samples/fragment/src/main/resources/META-INF/web-fragment.xml",
                "servlet.war!/WEB-INF/lib/sample-fragment.jar!/META-INF/web-fragment.xml");

        WebDescriptor merged = Fragments.order(main,
                List.of(new FragmentJar(Path.of("WEB-INF/lib/sample-fragment.jar"), Optional.of(fragment)))).merged();

        assertThat(merged.servlets()).extracting(Servlet::name).containsExactly("echo", "error", "about", "fragment");
        assertThat(merged.servletMappings()).extracting(ServletMapping::servletName, ServletMapping::urlPatterns)
                .containsExactly(tuple("echo", List.of("/echo/*")), tuple("error", List.of("/error")),
                        tuple("about", List.of("/about")), tuple("fragment", List.of("/fragment")));
        assertThat(merged.source()).isEqualTo("servlet.war!/WEB-INF/web.xml");
    }

    @Test
    void web_xml_wins_over_a_fragment_for_the_same_context_param() throws Exception {
        WebDescriptor main = parseWebApp(param("mode", "web.xml"));

        WebDescriptor merged = merge(main, fragmentJar("a.jar", param("mode", "fragment")));

        assertThat(merged.contextParams()).containsExactly(new Param("mode", "web.xml"));
    }

    @Test
    void fragments_add_context_params_web_xml_lacks() throws Exception {
        WebDescriptor main = parseWebApp(param("a", "1"));

        WebDescriptor merged = merge(main, fragmentJar("b.jar", param("b", "2")));

        assertThat(merged.contextParams()).containsExactly(new Param("a", "1"), new Param("b", "2"));
    }

    @Test
    void two_fragments_with_different_values_for_one_context_param_are_an_error() throws Exception {
        WebDescriptor main = parseWebApp("");

        assertThatThrownBy(() -> merge(main, fragmentJar("a.jar", param("mode", "x")), fragmentJar("b.jar", param("mode", "y"))))
                .isInstanceOf(DeploymentError.class)
                .hasMessage("shop.war!/WEB-INF/lib/b.jar!/META-INF/web-fragment.xml: context-param \"mode\" conflicts"
                        + " with shop.war!/WEB-INF/lib/a.jar!/META-INF/web-fragment.xml; set it in web.xml to decide"
                        + " (Servlet 6.0 §8.2.3)");
    }

    @Test
    void two_fragments_with_the_same_value_do_not_conflict() throws Exception {
        WebDescriptor merged = merge(parseWebApp(""), fragmentJar("a.jar", param("mode", "x")),
                fragmentJar("b.jar", param("mode", "x")));

        assertThat(merged.contextParams()).containsExactly(new Param("mode", "x"));
    }

    @Test
    void web_xml_decides_what_two_fragments_disagree_on() throws Exception {
        WebDescriptor merged = merge(parseWebApp(param("mode", "main")), fragmentJar("a.jar", param("mode", "x")),
                fragmentJar("b.jar", param("mode", "y")));

        assertThat(merged.contextParams()).containsExactly(new Param("mode", "main"));
    }

    @Test
    void fragments_fill_what_web_xml_leaves_open_in_a_servlet() throws Exception {
        WebDescriptor main = parseWebApp("""
                <servlet>
                  <servlet-name>s</servlet-name>
                  <init-param><param-name>p</param-name><param-value>main</param-value></init-param>
                </servlet>
                """);

        WebDescriptor merged = merge(main, fragmentJar("a.jar", """
                <servlet>
                  <servlet-name>s</servlet-name>
                  <servlet-class>com.example.S</servlet-class>
                  <init-param><param-name>p</param-name><param-value>fragment</param-value></init-param>
                  <init-param><param-name>q</param-name><param-value>fragment</param-value></init-param>
                  <load-on-startup>1</load-on-startup>
                </servlet>
                """));

        assertThat(merged.servlets()).singleElement().satisfies(s -> {
            assertThat(s.servletClass()).contains("com.example.S");
            assertThat(s.initParams()).containsExactly(new Param("p", "main"), new Param("q", "fragment"));
            assertThat(s.loadOnStartup()).contains(1);
            assertThat(s.origin().source()).isEqualTo(Descriptors.WEB_XML);
        });
    }

    @Test
    void two_fragments_declaring_one_servlet_with_different_classes_are_an_error() throws Exception {
        String a = "<servlet><servlet-name>s</servlet-name><servlet-class>A</servlet-class></servlet>\n";
        String b = "<servlet><servlet-name>s</servlet-name><servlet-class>B</servlet-class></servlet>\n";

        assertThatThrownBy(() -> merge(parseWebApp(""), fragmentJar("a.jar", a), fragmentJar("b.jar", b)))
                .hasMessageStartingWith("shop.war!/WEB-INF/lib/b.jar!/META-INF/web-fragment.xml: servlet \"s\""
                        + " servlet-class conflicts with shop.war!/WEB-INF/lib/a.jar!/META-INF/web-fragment.xml");
    }

    @Test
    void url_patterns_in_web_xml_replace_a_fragments_for_the_same_servlet() throws Exception {
        WebDescriptor main = parseWebApp(mapping("s", "/main"));

        WebDescriptor merged = merge(main, fragmentJar("a.jar", mapping("s", "/fragment")));

        assertThat(merged.servletMappings()).flatExtracting(ServletMapping::urlPatterns).containsExactly("/main");
    }

    @Test
    void a_url_pattern_web_xml_maps_stays_with_web_xmls_servlet() throws Exception {
        WebDescriptor main = parseWebApp(mapping("mine", "/x"));

        WebDescriptor merged = merge(main, fragmentJar("a.jar", mapping("theirs", "/x") + mapping("theirs", "/y")));

        assertThat(merged.servletMappings()).extracting(ServletMapping::servletName, ServletMapping::urlPatterns)
                .containsExactly(tuple("mine", List.of("/x")), tuple("theirs", List.of("/y")));
    }

    @Test
    void two_fragments_mapping_one_url_pattern_to_different_servlets_are_an_error() throws Exception {
        assertThatThrownBy(() -> merge(parseWebApp(""), fragmentJar("a.jar", mapping("a", "/x")),
                fragmentJar("b.jar", mapping("b", "/x"))))
                .hasMessageStartingWith("shop.war!/WEB-INF/lib/b.jar!/META-INF/web-fragment.xml: url-pattern \"/x\""
                        + " conflicts with shop.war!/WEB-INF/lib/a.jar!/META-INF/web-fragment.xml");
    }

    @Test
    void filter_mappings_of_web_xml_come_first_then_the_fragments_in_fragment_order() throws Exception {
        WebDescriptor main = parseWebApp(filterMapping("main"));

        WebDescriptor merged = merge(main, fragmentJar("a.jar", filterMapping("a1") + filterMapping("a2")),
                fragmentJar("b.jar", filterMapping("b")));

        assertThat(merged.filterMappings()).extracting(FilterMapping::filterName).containsExactly("main", "a1", "a2", "b");
    }

    @Test
    void a_fragments_filter_mappings_for_a_filter_web_xml_maps_are_ignored() throws Exception {
        WebDescriptor main = parseWebApp(filterMapping("f"));

        WebDescriptor merged = merge(main, fragmentJar("a.jar", filterMapping("f") + filterMapping("g")));

        assertThat(merged.filterMappings()).extracting(FilterMapping::filterName).containsExactly("f", "g");
    }

    @Test
    void listeners_add_up_in_order_without_duplicates() throws Exception {
        WebDescriptor main = parseWebApp(listener("Main"));

        WebDescriptor merged = merge(main, fragmentJar("a.jar", listener("A") + listener("Main")),
                fragmentJar("b.jar", listener("B")));

        assertThat(merged.listeners()).extracting(WebDescriptor.Listener::className).containsExactly("Main", "A", "B");
    }

    @Test
    void a_welcome_file_list_in_web_xml_is_the_whole_list() throws Exception {
        WebDescriptor main = parseWebApp(welcome("home.html"));

        WebDescriptor merged = merge(main, fragmentJar("a.jar", welcome("index.xhtml")));

        assertThat(merged.welcomeFiles()).containsExactly("home.html");
    }

    @Test
    void without_one_in_web_xml_the_fragments_welcome_files_add_up() throws Exception {
        WebDescriptor merged = merge(parseWebApp(""), fragmentJar("a.jar", welcome("a.html")),
                fragmentJar("b.jar", welcome("b.html")));

        assertThat(merged.welcomeFiles()).containsExactly("a.html", "b.html");
    }

    @Test
    void session_config_merges_value_by_value() throws Exception {
        WebDescriptor main = parseWebApp("<session-config><session-timeout>10</session-timeout></session-config>\n");

        WebDescriptor merged = merge(main, fragmentJar("a.jar", """
                <session-config>
                  <session-timeout>99</session-timeout>
                  <cookie-config><http-only>true</http-only></cookie-config>
                </session-config>
                """));

        assertThat(merged.sessionConfig().timeoutMinutes()).contains(10);
        assertThat(merged.sessionConfig().cookie().httpOnly()).contains(true);
    }

    @Test
    void two_fragments_with_different_session_timeouts_are_an_error() throws Exception {
        String ten = "<session-config><session-timeout>10</session-timeout></session-config>\n";
        String twenty = "<session-config><session-timeout>20</session-timeout></session-config>\n";

        assertThatThrownBy(() -> merge(parseWebApp(""), fragmentJar("a.jar", ten), fragmentJar("b.jar", twenty)))
                .hasMessageStartingWith("shop.war!/WEB-INF/lib/b.jar!/META-INF/web-fragment.xml:"
                        + " session-config session-timeout conflicts with");
    }

    @Test
    void security_constraints_and_roles_add_up() throws Exception {
        String constraint = """
                <security-constraint>
                  <web-resource-collection><url-pattern>/%s/*</url-pattern></web-resource-collection>
                </security-constraint>
                <security-role><role-name>%s</role-name></security-role>
                """;

        WebDescriptor merged = merge(parseWebApp(constraint.formatted("main", "admin")),
                fragmentJar("a.jar", constraint.formatted("a", "admin") + constraint.formatted("b", "ops")));

        assertThat(merged.securityConstraints()).hasSize(3);
        assertThat(merged.securityRoles()).containsExactly("admin", "ops");
    }

    @Test
    void error_pages_merge_by_code_with_web_xml_winning() throws Exception {
        String page = "<error-page><error-code>%d</error-code><location>%s</location></error-page>\n";

        WebDescriptor merged = merge(parseWebApp(page.formatted(404, "/main-404")),
                fragmentJar("a.jar", page.formatted(404, "/a-404") + page.formatted(500, "/a-500")));

        assertThat(merged.errorPages()).extracting(WebDescriptor.ErrorPage::location).containsExactly("/main-404", "/a-500");
    }

    @Test
    void env_entries_and_resource_refs_of_fragments_add_to_web_xml_s_which_win() throws Exception {
        WebDescriptor main = parseWebApp(envEntry("mode", "web.xml"));

        WebDescriptor merged = merge(main, fragmentJar("a.jar", envEntry("mode", "fragment") + envEntry("extra", "1")
                + "<resource-ref><res-ref-name>jdbc/lib</res-ref-name></resource-ref>\n"));

        assertThat(merged.environment().envEntries()).extracting(e -> e.name() + "=" + e.value().orElseThrow())
                .containsExactly("mode=web.xml", "extra=1");
        assertThat(merged.environment().resourceRefs()).extracting(WebDescriptor.ResourceRef::name).containsExactly("jdbc/lib");
    }

    @Test
    void a_servlets_role_refs_and_run_as_merge_like_its_other_values() throws Exception {
        WebDescriptor main = parseWebApp("""
                <servlet><servlet-name>s</servlet-name><servlet-class>S</servlet-class>
                  <security-role-ref><role-name>chief</role-name><role-link>boss</role-link></security-role-ref>
                </servlet>
                """);

        WebDescriptor merged = merge(main, fragmentJar("a.jar", """
                <servlet><servlet-name>s</servlet-name>
                  <run-as><role-name>system</role-name></run-as>
                  <security-role-ref><role-name>chief</role-name><role-link>staff</role-link></security-role-ref>
                  <security-role-ref><role-name>clerk</role-name></security-role-ref>
                </servlet>
                """));

        assertThat(merged.servlets()).singleElement().satisfies(s -> {
            assertThat(s.roleRefs()).extracting(r -> r.name() + "->" + r.linkedRole()).containsExactly("chief->boss", "clerk->clerk");
            assertThat(s.runAs()).contains("system");
        });
    }

    private static String envEntry(String name, String value) {
        return "<env-entry><env-entry-name>" + name + "</env-entry-name><env-entry-value>" + value
                + "</env-entry-value></env-entry>\n";
    }

    @Test
    void an_app_is_distributable_when_web_xml_and_every_fragment_say_so() throws Exception {
        WebDescriptor main = parseWebApp("<distributable/>\n");

        assertThat(merge(main, fragmentJar("a.jar", "<distributable/>\n"), fragmentJar("b.jar", "<distributable/>\n"))
                .distributable()).isTrue();
        assertThat(merge(main, fragmentJar("a.jar", "<distributable/>\n"), fragmentJar("b.jar", "")).distributable())
                .isFalse();
        assertThat(merge(parseWebApp(""), fragmentJar("a.jar", "<distributable/>\n")).distributable()).isFalse();
    }

    private static WebDescriptor merge(WebDescriptor main, FragmentJar... jars) throws DeploymentError {
        return Fragments.order(main, List.of(jars)).merged();
    }

    private static String param(String name, String value) {
        return "<context-param><param-name>" + name + "</param-name><param-value>" + value + "</param-value></context-param>\n";
    }

    private static String mapping(String servlet, String pattern) {
        return "<servlet-mapping><servlet-name>" + servlet + "</servlet-name><url-pattern>" + pattern
                + "</url-pattern></servlet-mapping>\n";
    }

    private static String filterMapping(String filter) {
        return "<filter-mapping><filter-name>" + filter + "</filter-name><url-pattern>/*</url-pattern></filter-mapping>\n";
    }

    private static String listener(String className) {
        return "<listener><listener-class>" + className + "</listener-class></listener>\n";
    }

    private static String welcome(String file) {
        return "<welcome-file-list><welcome-file>" + file + "</welcome-file></welcome-file-list>\n";
    }

    private static WebDescriptor parseFile(String path, String source) throws Exception {
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            return WebXml.parse(in, source);
        }
    }
}
