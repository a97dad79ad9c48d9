package dev.container.deploy;

import static dev.container.deploy.Descriptors.parse;
import static dev.container.deploy.Descriptors.parseWebApp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every descriptor problem WebXml finds is one line naming the file and the line. */
class WebXmlErrorsTest {

    @Test
    void malformed_xml_names_file_and_line() {
        assertThatThrownBy(() -> parseWebApp("""
                <servlet>
                  <servlet-name>echo</servlet-name>
                </servlet-mapping>
                """))
                .isInstanceOf(DeploymentError.class)
                .hasMessage("shop.war!/WEB-INF/web.xml:4: malformed XML: The end-tag for element type \"servlet\""
                        + " must end with a '>' delimiter.");
    }

    @Test
    void a_root_other_than_web_app_or_web_fragment_is_an_error() {
        assertThatThrownBy(() -> parse("<beans>\n</beans>"))
                .hasMessage("shop.war!/WEB-INF/web.xml:1: root element is <beans>, expected <web-app> or <web-fragment>");
    }

    @Test
    void a_non_numeric_load_on_startup_is_an_error() {
        assertThatThrownBy(() -> parseWebApp("""
                <servlet>
                  <servlet-name>echo</servlet-name>
                  <servlet-class>Echo</servlet-class>
                  <load-on-startup>soon</load-on-startup>
                </servlet>
                """))
                .hasMessage("shop.war!/WEB-INF/web.xml:5: load-on-startup must be an integer, got \"soon\"");
    }

    @Test
    void a_non_numeric_session_timeout_is_an_error() {
        assertThatThrownBy(() -> parseWebApp("""
                <session-config>
                  <session-timeout>15m</session-timeout>
                </session-config>
                """))
                .hasMessage("shop.war!/WEB-INF/web.xml:3: session-timeout must be an integer, got \"15m\"");
    }

    @Test
    void an_unknown_dispatcher_is_an_error() {
        assertThatThrownBy(() -> parseWebApp("""
                <filter-mapping>
                  <filter-name>f</filter-name>
                  <url-pattern>/*</url-pattern>
                  <dispatcher>REQUESTS</dispatcher>
                </filter-mapping>
                """))
                .hasMessage("shop.war!/WEB-INF/web.xml:5: unknown dispatcher \"REQUESTS\","
                        + " expected REQUEST, FORWARD, INCLUDE, ERROR or ASYNC");
    }

    @Test
    void two_servlets_with_the_same_name_are_an_error() {
        assertThatThrownBy(() -> parseWebApp("""
                <servlet><servlet-name>echo</servlet-name><servlet-class>A</servlet-class></servlet>
                <servlet><servlet-name>other</servlet-name><servlet-class>B</servlet-class></servlet>
                <servlet><servlet-name>echo</servlet-name><servlet-class>C</servlet-class></servlet>
                """))
                .hasMessage("shop.war!/WEB-INF/web.xml:4: servlet \"echo\" is already declared at line 2");
    }

    @Test
    void two_filters_with_the_same_name_are_an_error() {
        assertThatThrownBy(() -> parseWebApp("""
                <filter><filter-name>f</filter-name><filter-class>A</filter-class></filter>
                <filter><filter-name>f</filter-name><filter-class>B</filter-class></filter>
                """))
                .hasMessage("shop.war!/WEB-INF/web.xml:3: filter \"f\" is already declared at line 2");
    }

    @Test
    void one_url_pattern_mapped_to_two_servlets_is_an_error() {
        assertThatThrownBy(() -> parseWebApp("""
                <servlet-mapping><servlet-name>a</servlet-name><url-pattern>/x</url-pattern></servlet-mapping>
                <servlet-mapping><servlet-name>b</servlet-name><url-pattern>/x</url-pattern></servlet-mapping>
                """))
                .hasMessage("shop.war!/WEB-INF/web.xml:3: url-pattern \"/x\" is already mapped to servlet \"a\" at line 2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo/*", "/echo/*.do", "*.", "*.do/x", "**"})
    void a_url_pattern_outside_the_servlet_spec_is_an_error(String pattern) {
        assertThatThrownBy(() -> parseWebApp("""
                <servlet-mapping>
                  <servlet-name>echo</servlet-name>
                  <url-pattern>%s</url-pattern>
                </servlet-mapping>
                """.formatted(pattern)))
                .hasMessage("shop.war!/WEB-INF/web.xml:4: invalid url-pattern \"" + pattern + "\": expected \"/exact\","
                        + " \"/prefix/*\", \"*.extension\", \"/\" or \"\" (Servlet 6.0 §12.2)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "/*", "/exact", "/prefix/*", "*.jsp", "/odd*"})
    void url_patterns_of_every_servlet_spec_kind_are_accepted(String pattern) throws Exception {
        WebDescriptor d = parseWebApp("""
                <servlet-mapping><servlet-name>s</servlet-name><url-pattern>%s</url-pattern></servlet-mapping>
                """.formatted(pattern));

        assertThat(d.servletMappings().get(0).urlPatterns()).containsExactly(pattern);
    }

    @Test
    void a_url_pattern_of_a_security_constraint_is_checked_too() {
        assertThatThrownBy(() -> parseWebApp("""
                <security-constraint>
                  <web-resource-collection><url-pattern>admin/*</url-pattern></web-resource-collection>
                </security-constraint>
                """))
                .hasMessageStartingWith("shop.war!/WEB-INF/web.xml:3: invalid url-pattern \"admin/*\"");
    }

    @Test
    void a_servlet_without_a_name_is_an_error() {
        assertThatThrownBy(() -> parseWebApp("""
                <servlet>
                  <servlet-class>Echo</servlet-class>
                </servlet>
                """))
                .hasMessage("shop.war!/WEB-INF/web.xml:2: <servlet> needs a <servlet-name>");
    }

    @Test
    void a_servlet_with_both_a_class_and_a_jsp_file_is_an_error() {
        assertThatThrownBy(() -> parseWebApp("""
                <servlet>
                  <servlet-name>both</servlet-name><servlet-class>A</servlet-class><jsp-file>/a.jsp</jsp-file>
                </servlet>
                """))
                .hasMessage("shop.war!/WEB-INF/web.xml:2: servlet \"both\" has both servlet-class and jsp-file; it needs one");
    }

    @Test
    void a_boolean_that_is_neither_true_nor_false_is_an_error() {
        assertThatThrownBy(() -> parseWebApp("""
                <filter>
                  <filter-name>f</filter-name>
                  <async-supported>yes</async-supported>
                </filter>
                """))
                .hasMessage("shop.war!/WEB-INF/web.xml:4: async-supported must be true or false, got \"yes\"");
    }

    @Test
    void an_unknown_transport_guarantee_is_an_error() {
        assertThatThrownBy(() -> parseWebApp("""
                <security-constraint>
                  <user-data-constraint><transport-guarantee>SECRET</transport-guarantee></user-data-constraint>
                </security-constraint>
                """))
                .hasMessage("shop.war!/WEB-INF/web.xml:3: unknown transport-guarantee \"SECRET\","
                        + " expected NONE, INTEGRAL or CONFIDENTIAL");
    }

    @Test
    void a_second_login_config_is_an_error() {
        assertThatThrownBy(() -> parseWebApp("""
                <login-config><auth-method>BASIC</auth-method></login-config>
                <login-config><auth-method>FORM</auth-method></login-config>
                """))
                .hasMessage("shop.war!/WEB-INF/web.xml:3: a second <login-config>; a descriptor may have only one");
    }
}
