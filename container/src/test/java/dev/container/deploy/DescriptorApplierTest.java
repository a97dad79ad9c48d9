package dev.container.deploy;

import static dev.container.deploy.Descriptors.parseWebApp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.undertow.servlet.api.AuthMethodConfig;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.ErrorPage;
import io.undertow.servlet.api.FilterMappingInfo;
import io.undertow.servlet.api.FilterMappingInfo.MappingType;
import io.undertow.servlet.api.ListenerInfo;
import io.undertow.servlet.api.MimeMapping;
import io.undertow.servlet.api.SecurityConstraint;
import io.undertow.servlet.api.SecurityInfo.EmptyRoleSemantic;
import io.undertow.servlet.api.ServletInfo;
import io.undertow.servlet.api.TransportGuaranteeType;
import io.undertow.servlet.api.WebResourceCollection;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.SessionTrackingMode;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What {@link DescriptorApplier} puts into Undertow's DeploymentInfo, and what it refuses. */
class DescriptorApplierTest {
    private static final String HELLO = TestComponents.HelloServlet.class.getName();
    private static final String STAMP = TestComponents.StampFilter.class.getName();
    private static final String LISTENER = TestComponents.StartupListener.class.getName();

    @Test
    void adds_a_servlet_with_its_settings_and_mappings() throws Exception {
        DeploymentInfo info = apply("""
                <servlet>
                  <servlet-name>hello</servlet-name>
                  <servlet-class>%s</servlet-class>
                  <init-param><param-name>greeting</param-name><param-value>hi</param-value></init-param>
                  <load-on-startup>3</load-on-startup>
                  <async-supported>true</async-supported>
                  <multipart-config><max-file-size>100</max-file-size></multipart-config>
                </servlet>
                <servlet-mapping><servlet-name>hello</servlet-name><url-pattern>/hello</url-pattern></servlet-mapping>
                <servlet-mapping><servlet-name>hello</servlet-name><url-pattern>*.hi</url-pattern></servlet-mapping>
                """.formatted(HELLO));

        ServletInfo servlet = info.getServlets().get("hello");
        assertThat(servlet.getServletClass()).isEqualTo(TestComponents.HelloServlet.class);
        assertThat(servlet.getInitParams()).containsExactly(Map.entry("greeting", "hi"));
        assertThat(servlet.getLoadOnStartup()).isEqualTo(3);
        assertThat(servlet.isAsyncSupported()).isTrue();
        assertThat(servlet.getMultipartConfig().getMaxFileSize()).isEqualTo(100);
        assertThat(servlet.getMappings()).containsExactly("/hello", "*.hi");
    }

    @Test
    void a_disabled_servlet_is_left_out_with_its_mappings() throws Exception {
        DeploymentInfo info = apply("""
                <servlet><servlet-name>off</servlet-name><servlet-class>%s</servlet-class><enabled>false</enabled></servlet>
                <servlet-mapping><servlet-name>off</servlet-name><url-pattern>/off</url-pattern></servlet-mapping>
                """.formatted(HELLO));

        assertThat(info.getServlets()).doesNotContainKey("off");
    }

    @Test
    void adds_filters_and_keeps_the_order_of_their_mappings() throws Exception {
        DeploymentInfo info = apply("""
                <filter>
                  <filter-name>first</filter-name>
                  <filter-class>%1$s</filter-class>
                  <init-param><param-name>stamp</param-name><param-value>1</param-value></init-param>
                  <async-supported>true</async-supported>
                </filter>
                <filter><filter-name>second</filter-name><filter-class>%1$s</filter-class></filter>
                <filter-mapping><filter-name>second</filter-name><url-pattern>/*</url-pattern></filter-mapping>
                <filter-mapping>
                  <filter-name>first</filter-name>
                  <url-pattern>/a/*</url-pattern>
                  <servlet-name>hello</servlet-name>
                  <dispatcher>REQUEST</dispatcher>
                  <dispatcher>ERROR</dispatcher>
                </filter-mapping>
                <filter-mapping><filter-name>second</filter-name><url-pattern>*.do</url-pattern></filter-mapping>
                """.formatted(STAMP));

        assertThat(info.getFilters().get("first").getInitParams()).containsExactly(Map.entry("stamp", "1"));
        assertThat(info.getFilters().get("first").isAsyncSupported()).isTrue();
        // Undertow lists url-pattern mappings before servlet-name ones, each in the order added (§6.2.4).
        assertThat(info.getFilterMappings()).extracting(FilterMappingInfo::getFilterName,
                FilterMappingInfo::getMappingType, FilterMappingInfo::getMapping, FilterMappingInfo::getDispatcher)
                .containsExactly(
                        tuple("second", MappingType.URL, "/*", DispatcherType.REQUEST),
                        tuple("first", MappingType.URL, "/a/*", DispatcherType.REQUEST),
                        tuple("first", MappingType.URL, "/a/*", DispatcherType.ERROR),
                        tuple("second", MappingType.URL, "*.do", DispatcherType.REQUEST),
                        tuple("first", MappingType.SERVLET, "hello", DispatcherType.REQUEST),
                        tuple("first", MappingType.SERVLET, "hello", DispatcherType.ERROR));
    }

    @Test
    void adds_listeners_in_order() throws Exception {
        DeploymentInfo info = apply("""
                <listener><listener-class>%s</listener-class></listener>
                """.formatted(LISTENER));

        assertThat(info.getListeners()).extracting(ListenerInfo::getListenerClass)
                .containsExactly(TestComponents.StartupListener.class);
    }

    @Test
    void adds_display_name_context_params_and_the_declared_version() throws Exception {
        DeploymentInfo info = new DeploymentInfo();
        DescriptorApplier.apply(Descriptors.parse("""
                <web-app version="4.0">
                  <display-name>Shop</display-name>
                  <context-param><param-name>site</param-name><param-value>shop</param-value></context-param>
                </web-app>
                """), info, getClass().getClassLoader());

        assertThat(info.getDisplayName()).isEqualTo("Shop");
        assertThat(info.getInitParameters()).containsExactly(Map.entry("site", "shop"));
        assertThat(info.getMajorVersion()).isEqualTo(4);
        assertThat(info.getMinorVersion()).isZero();
    }

    @Test
    void without_a_welcome_file_list_the_welcome_files_are_index_html_and_htm() throws Exception {
        DeploymentInfo info = new DeploymentInfo();

        DescriptorApplier.apply(WebDescriptor.empty("shop.war"), info, getClass().getClassLoader());

        // index.jsp comes from JspEngine, and only for an app that has one
        assertThat(info.getWelcomePages()).containsExactly("index.html", "index.htm");
    }

    @Test
    void a_welcome_file_list_replaces_the_defaults() throws Exception {
        DeploymentInfo info = apply("""
                <welcome-file-list><welcome-file>home.html</welcome-file><welcome-file>start</welcome-file></welcome-file-list>
                """);

        assertThat(info.getWelcomePages()).containsExactly("home.html", "start");
    }

    @Test
    void adds_error_pages_by_code_by_exception_class_and_the_default() throws Exception {
        DeploymentInfo info = apply("""
                <error-page><error-code>404</error-code><location>/404.html</location></error-page>
                <error-page><exception-type>%s</exception-type><location>/app-error</location></error-page>
                <error-page><location>/oops</location></error-page>
                """.formatted(TestComponents.AppException.class.getName()));

        assertThat(info.getErrorPages()).extracting(ErrorPage::getLocation, ErrorPage::getErrorCode, ErrorPage::getExceptionType)
                .containsExactly(
                        tuple("/404.html", 404, null),
                        tuple("/app-error", null, TestComponents.AppException.class),
                        tuple("/oops", null, null));
    }

    @Test
    void adds_mime_mappings() throws Exception {
        DeploymentInfo info = apply("""
                <mime-mapping><extension>sample</extension><mime-type>application/x-sample</mime-type></mime-mapping>
                """);

        assertThat(info.getMimeMappings()).extracting(MimeMapping::getExtension, MimeMapping::getMimeType)
                .containsExactly(tuple("sample", "application/x-sample"));
    }

    @Test
    void session_timeout_in_minutes_becomes_seconds() throws Exception {
        DeploymentInfo info = apply("<session-config><session-timeout>15</session-timeout></session-config>\n");

        assertThat(info.getDefaultSessionTimeout()).isEqualTo(900);
    }

    @Test
    void a_session_timeout_of_zero_means_sessions_never_expire() throws Exception {
        DeploymentInfo info = apply("<session-config><session-timeout>0</session-timeout></session-config>\n");

        assertThat(info.getDefaultSessionTimeout()).isEqualTo(-1);
    }

    @Test
    void applies_cookie_config_and_tracking_modes() throws Exception {
        DeploymentInfo info = apply("""
                <session-config>
                  <cookie-config>
                    <name>SID</name><domain>example.com</domain><path>/shop</path>
                    <http-only>true</http-only><secure>true</secure><max-age>600</max-age>
                    <attribute><attribute-name>SameSite</attribute-name><attribute-value>Lax</attribute-value></attribute>
                  </cookie-config>
                  <tracking-mode>COOKIE</tracking-mode>
                </session-config>
                """);

        assertThat(info.getServletSessionConfig()).satisfies(c -> {
            assertThat(c.getName()).isEqualTo("SID");
            assertThat(c.getDomain()).isEqualTo("example.com");
            assertThat(c.getPath()).isEqualTo("/shop");
            assertThat(c.isHttpOnly()).isTrue();
            assertThat(c.isSecure()).isTrue();
            assertThat(c.getMaxAge()).isEqualTo(600);
            assertThat(c.getAttribute("SameSite")).isEqualTo("Lax");
            assertThat(c.getSessionTrackingModes()).containsExactly(SessionTrackingMode.COOKIE);
        });
    }

    @Test
    void adds_locale_encodings_and_the_request_and_response_encodings() throws Exception {
        DeploymentInfo info = apply("""
                <locale-encoding-mapping-list>
                  <locale-encoding-mapping><locale>ja</locale><encoding>Shift_JIS</encoding></locale-encoding-mapping>
                </locale-encoding-mapping-list>
                <request-character-encoding>UTF-8</request-character-encoding>
                <response-character-encoding>UTF-16</response-character-encoding>
                """);

        assertThat(info.getLocaleCharsetMapping()).containsExactly(Map.entry("ja", "Shift_JIS"));
        assertThat(info.getDefaultRequestEncoding()).isEqualTo("UTF-8");
        assertThat(info.getDefaultResponseEncoding()).isEqualTo("UTF-16");
    }

    @Test
    void carries_security_constraints_over_to_undertow() throws Exception {
        DeploymentInfo info = apply("""
                <security-constraint>
                  <web-resource-collection>
                    <url-pattern>/admin/*</url-pattern>
                    <http-method>POST</http-method>
                  </web-resource-collection>
                  <web-resource-collection>
                    <url-pattern>/ops/*</url-pattern>
                    <http-method-omission>GET</http-method-omission>
                  </web-resource-collection>
                  <auth-constraint><role-name>admin</role-name></auth-constraint>
                  <user-data-constraint><transport-guarantee>CONFIDENTIAL</transport-guarantee></user-data-constraint>
                </security-constraint>
                <security-role><role-name>admin</role-name></security-role>
                <deny-uncovered-http-methods/>
                """);

        SecurityConstraint constraint = info.getSecurityConstraints().get(0);
        assertThat(constraint.getRolesAllowed()).containsExactly("admin");
        assertThat(constraint.getTransportGuaranteeType()).isEqualTo(TransportGuaranteeType.CONFIDENTIAL);
        assertThat(constraint.getWebResourceCollections())
                .extracting(WebResourceCollection::getUrlPatterns, WebResourceCollection::getHttpMethods,
                        WebResourceCollection::getHttpMethodOmissions)
                .containsExactlyInAnyOrder(
                        tuple(Set.of("/admin/*"), Set.of("POST"), Set.of()),
                        tuple(Set.of("/ops/*"), Set.of(), Set.of("GET")));
        assertThat(info.getSecurityRoles()).containsExactly("admin");
        assertThat(info.isDenyUncoveredHttpMethods()).isTrue();
    }

    @Test
    void a_constraint_without_auth_constraint_permits_everyone() throws Exception {
        assertThat(emptyRoleSemanticOf("")).isEqualTo(EmptyRoleSemantic.PERMIT);
    }

    @Test
    void an_empty_auth_constraint_denies_everyone() throws Exception {
        assertThat(emptyRoleSemanticOf("<auth-constraint/>")).isEqualTo(EmptyRoleSemantic.DENY);
    }

    @Test
    void the_double_star_role_means_any_authenticated_user() throws Exception {
        assertThat(emptyRoleSemanticOf("<auth-constraint><role-name>**</role-name></auth-constraint>"))
                .isEqualTo(EmptyRoleSemantic.AUTHENTICATE);
    }

    @Test
    void applies_a_form_login_config() throws Exception {
        DeploymentInfo info = apply("""
                <login-config>
                  <auth-method>FORM</auth-method>
                  <realm-name>shop</realm-name>
                  <form-login-config>
                    <form-login-page>/login.html</form-login-page>
                    <form-error-page>/failed.html</form-error-page>
                  </form-login-config>
                </login-config>
                """);

        assertThat(info.getLoginConfig()).satisfies(l -> {
            assertThat(l.getAuthMethods()).extracting(AuthMethodConfig::getName).containsExactly("FORM");
            assertThat(l.getRealmName()).isEqualTo("shop");
            assertThat(l.getLoginPage()).isEqualTo("/login.html");
            assertThat(l.getErrorPage()).isEqualTo("/failed.html");
        });
    }

    @Test
    void client_cert_is_named_the_way_undertow_names_it() throws Exception {
        DeploymentInfo info = apply("<login-config><auth-method>CLIENT-CERT</auth-method></login-config>\n");

        assertThat(info.getLoginConfig().getAuthMethods()).extracting(AuthMethodConfig::getName)
                .containsExactly("CLIENT_CERT");
    }

    @Test
    void a_servlet_mapping_may_name_a_servlet_already_in_the_deployment_info() throws Exception {
        DeploymentInfo info = new DeploymentInfo().addServlet(
                new ServletInfo("annotated", TestComponents.HelloServlet.class).addMapping("/from-annotation"));

        DescriptorApplier.apply(parseWebApp("""
                <servlet-mapping><servlet-name>annotated</servlet-name><url-pattern>/from-xml</url-pattern></servlet-mapping>
                """), info, getClass().getClassLoader());

        assertThat(info.getServlets().get("annotated").getMappings()).containsExactly("/from-annotation", "/from-xml");
    }

    @Test
    void a_servlet_without_class_is_left_to_the_annotation_merge() throws Exception {
        DeploymentInfo info = apply("""
                <servlet><servlet-name>annotated</servlet-name></servlet>
                <servlet-mapping><servlet-name>annotated</servlet-name><url-pattern>/x</url-pattern></servlet-mapping>
                """);

        assertThat(info.getServlets()).isEmpty();
    }

    @Test
    void a_servlet_mapping_to_an_undeclared_servlet_is_an_error() {
        assertThatThrownBy(() -> apply("""
                <servlet><servlet-name>hello</servlet-name><servlet-class>%s</servlet-class></servlet>
                <servlet-mapping><servlet-name>helo</servlet-name><url-pattern>/x</url-pattern></servlet-mapping>
                """.formatted(HELLO)))
                .isInstanceOf(DeploymentError.class)
                .hasMessage("shop.war!/WEB-INF/web.xml:3: servlet-mapping names servlet \"helo\", which is not declared");
    }

    @Test
    void a_filter_mapping_to_an_undeclared_filter_is_an_error() {
        assertThatThrownBy(() -> apply("""
                <filter-mapping>
                  <filter-name>ghost</filter-name>
                  <url-pattern>/*</url-pattern>
                </filter-mapping>
                """))
                .hasMessage("shop.war!/WEB-INF/web.xml:2: filter-mapping names filter \"ghost\", which is not declared");
    }

    @Test
    void a_servlet_class_that_cannot_be_loaded_is_an_error_naming_class_and_servlet() {
        assertThatThrownBy(() -> apply("""
                <servlet>
                  <servlet-name>shop</servlet-name>
                  <servlet-class>com.example.Missing</servlet-class>
                </servlet>
                """))
                .hasMessage("shop.war!/WEB-INF/web.xml:2: cannot load servlet-class com.example.Missing of servlet \"shop\":"
                        + " class not found");
    }

    @Test
    void a_servlet_class_that_is_not_a_servlet_is_an_error() {
        String notAServlet = TestComponents.NotAServlet.class.getName();

        assertThatThrownBy(() -> apply("""
                <servlet><servlet-name>shop</servlet-name><servlet-class>%s</servlet-class></servlet>
                """.formatted(notAServlet)))
                .hasMessage("shop.war!/WEB-INF/web.xml:2: servlet-class " + notAServlet + " of servlet \"shop\""
                        + " is not a jakarta.servlet.Servlet");
    }

    @Test
    void a_filter_class_that_cannot_be_loaded_is_an_error_naming_class_and_filter() {
        assertThatThrownBy(() -> apply("""
                <filter><filter-name>auth</filter-name><filter-class>com.example.Gone</filter-class></filter>
                """))
                .hasMessage("shop.war!/WEB-INF/web.xml:2: cannot load filter-class com.example.Gone of filter \"auth\":"
                        + " class not found");
    }

    @Test
    void a_listener_class_that_cannot_be_loaded_is_an_error() {
        assertThatThrownBy(() -> apply("""
                <listener><listener-class>com.example.Gone</listener-class></listener>
                """))
                .hasMessage("shop.war!/WEB-INF/web.xml:2: cannot load listener-class com.example.Gone: class not found");
    }

    @Test
    void an_error_page_exception_type_that_is_not_a_throwable_is_an_error() {
        assertThatThrownBy(() -> apply("""
                <error-page><exception-type>java.lang.String</exception-type><location>/e</location></error-page>
                """))
                .hasMessage("shop.war!/WEB-INF/web.xml:2: exception-type java.lang.String of error-page /e"
                        + " is not a java.lang.Throwable");
    }

    @Test
    void a_jsp_file_servlet_is_the_jsp_servlet_for_that_page() throws Exception {
        DeploymentInfo info = apply("""
                <servlet>
                  <servlet-name>page</servlet-name><jsp-file>WEB-INF/page.jsp</jsp-file>
                  <init-param><param-name>trimSpaces</param-name><param-value>true</param-value></init-param>
                  <load-on-startup>2</load-on-startup>
                </servlet>
                <servlet-mapping><servlet-name>page</servlet-name><url-pattern>/page</url-pattern></servlet-mapping>
                """);

        ServletInfo page = info.getServlets().get("page");
        assertThat(page.getServletClass()).isEqualTo(JspPageServlet.class);
        assertThat(page.getInitParams()).containsEntry("jspFile", "/WEB-INF/page.jsp").containsEntry("trimSpaces", "true");
        assertThat(page.getLoadOnStartup()).isEqualTo(2);
        assertThat(page.getMappings()).containsExactly("/page");
    }

    private EmptyRoleSemantic emptyRoleSemanticOf(String authConstraint) throws DeploymentError {
        DeploymentInfo info = apply("""
                <security-constraint>
                  <web-resource-collection><url-pattern>/x/*</url-pattern></web-resource-collection>
                  %s
                </security-constraint>
                """.formatted(authConstraint));
        return info.getSecurityConstraints().get(0).getEmptyRoleSemantic();
    }

    private DeploymentInfo apply(String body) throws DeploymentError {
        DeploymentInfo info = new DeploymentInfo();
        DescriptorApplier.apply(parseWebApp(body), info, getClass().getClassLoader());
        return info;
    }
}
