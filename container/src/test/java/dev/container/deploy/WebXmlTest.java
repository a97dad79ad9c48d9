package dev.container.deploy;

import static dev.container.deploy.Descriptors.parse;
import static dev.container.deploy.Descriptors.parseWebApp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.sun.net.httpserver.HttpServer;
import dev.container.deploy.WebDescriptor.AbsoluteOrdering;
import dev.container.deploy.WebDescriptor.AuthConstraint;
import dev.container.deploy.WebDescriptor.CookieConfig;
import dev.container.deploy.WebDescriptor.EnvEntry;
import dev.container.deploy.WebDescriptor.ErrorPage;
import dev.container.deploy.WebDescriptor.InjectionTarget;
import dev.container.deploy.WebDescriptor.LifecycleCallback;
import dev.container.deploy.WebDescriptor.ResourceRef;
import dev.container.deploy.WebDescriptor.FilterMapping;
import dev.container.deploy.WebDescriptor.Kind;
import dev.container.deploy.WebDescriptor.LocaleEncoding;
import dev.container.deploy.WebDescriptor.LoginConfig;
import dev.container.deploy.WebDescriptor.MimeMapping;
import dev.container.deploy.WebDescriptor.Multipart;
import dev.container.deploy.WebDescriptor.Ordering;
import dev.container.deploy.WebDescriptor.Origin;
import dev.container.deploy.WebDescriptor.Param;
import dev.container.deploy.WebDescriptor.RoleRef;
import dev.container.deploy.WebDescriptor.SecurityConstraint;
import dev.container.deploy.WebDescriptor.Servlet;
import dev.container.deploy.WebDescriptor.ServletMapping;
import dev.container.deploy.WebDescriptor.SessionConfig;
import dev.container.deploy.WebDescriptor.TransportGuarantee;
import dev.container.deploy.WebDescriptor.WebResourceCollection;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.SessionTrackingMode;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading web.xml and web-fragment.xml into records; the errors are in {@link WebXmlErrorsTest}. */
class WebXmlTest {
    private static final String SAMPLES = "../samples/";

    @Test
    void reads_the_sample_web_xml() throws Exception {
        WebDescriptor d = parseFile(SAMPLES + "servlet/src/main/webapp/WEB-INF/web.xml", "servlet.war!/WEB-INF/web.xml");

        assertThat(d.kind()).isEqualTo(Kind.WEB_APP);
        assertThat(d.version()).contains("6.0");
        assertThat(d.displayName()).contains("servlet sample");
        assertThat(d.contextParams()).containsExactly(new Param("site-name", "the servlet sample"));
        assertThat(d.listeners()).extracting(WebDescriptor.Listener::className)
                .containsExactly("samples.servlet.AppListener");
        assertThat(d.filters()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("header");
            assertThat(f.filterClass()).contains("samples.servlet.HeaderFilter");
            assertThat(f.initParams()).containsExactly(new Param("stamp", "web.xml"));
        });
        assertThat(d.filterMappings()).singleElement().satisfies(m -> {
            assertThat(m.urlPatterns()).containsExactly("/*");
            assertThat(m.dispatchers()).containsExactly(DispatcherType.REQUEST, DispatcherType.ERROR);
        });
        assertThat(d.servlets()).extracting(Servlet::name, Servlet::servletClass, Servlet::loadOnStartup).containsExactly(
                tuple("echo", Optional.of("samples.servlet.EchoServlet"), Optional.of(1)),
                tuple("error", Optional.of("samples.servlet.ErrorServlet"), Optional.empty()),
                tuple("about", Optional.empty(), Optional.empty()));
        assertThat(d.servlets().get(2).jspFile()).contains("/WEB-INF/jsp/about.jsp");
        assertThat(d.servletMappings()).extracting(ServletMapping::servletName, ServletMapping::urlPatterns).containsExactly(
                tuple("echo", List.of("/echo/*")),
                tuple("error", List.of("/error")),
                tuple("about", List.of("/about")));
        assertThat(d.sessionConfig().timeoutMinutes()).contains(15);
        assertThat(d.mimeMappings()).containsExactly(new MimeMapping("sample", "application/x-sample"));
        assertThat(d.welcomeFiles()).containsExactly("index.html");
        assertThat(d.errorPages()).extracting(ErrorPage::key, ErrorPage::location).containsExactly(
                tuple("error-code 404", "/errors/404.html"),
                tuple("exception-type java.lang.IllegalStateException", "/error"));
    }

    @Test
    void reads_the_sample_web_fragment() throws Exception {
        WebDescriptor d = parseFile(SAMPLES + "fragment/src/main/resources/META-INF/web-fragment.xml",
                "servlet.war!/WEB-INF/lib/fragment.jar!/META-INF/web-fragment.xml");

        assertThat(d.kind()).isEqualTo(Kind.WEB_FRAGMENT);
        assertThat(d.name()).contains("greeting-fragment");
        assertThat(d.servlets()).singleElement().satisfies(s -> {
            assertThat(s.servletClass()).contains("samples.fragment.FragmentServlet");
            assertThat(s.initParams()).containsExactly(new Param("source", "web-fragment.xml"));
        });
        assertThat(d.servletMappings()).singleElement().extracting(ServletMapping::urlPatterns)
                .isEqualTo(List.of("/fragment"));
    }

    @Test
    void reads_every_part_of_a_servlet_declaration() throws Exception {
        WebDescriptor d = parseWebApp("""
                <servlet>
                  <servlet-name>upload</servlet-name>
                  <servlet-class>com.example.Upload</servlet-class>
                  <init-param><param-name>dir</param-name><param-value>/tmp</param-value></init-param>
                  <load-on-startup>2</load-on-startup>
                  <enabled>false</enabled>
                  <async-supported>true</async-supported>
                  <run-as><role-name>admin</role-name></run-as>
                  <security-role-ref><role-name>boss</role-name><role-link>admin</role-link></security-role-ref>
                  <multipart-config>
                    <location>/var/uploads</location>
                    <max-file-size>1048576</max-file-size>
                    <max-request-size>2097152</max-request-size>
                    <file-size-threshold>4096</file-size-threshold>
                  </multipart-config>
                </servlet>
                """);

        assertThat(d.servlets()).containsExactly(new Servlet("upload", Optional.of("com.example.Upload"),
                Optional.empty(), List.of(new Param("dir", "/tmp")), Optional.of(2), Optional.of(true),
                Optional.of(false), Optional.of(new Multipart("/var/uploads", 1_048_576, 2_097_152, 4096)),
                List.of(new RoleRef("boss", Optional.of("admin"))), Optional.of("admin"),
                new Origin(Descriptors.WEB_XML, 2)));
    }

    @Test
    void multipart_config_without_values_means_no_limits() throws Exception {
        WebDescriptor d = parseWebApp("""
                <servlet>
                  <servlet-name>upload</servlet-name>
                  <servlet-class>com.example.Upload</servlet-class>
                  <multipart-config/>
                </servlet>
                """);

        assertThat(d.servlets().get(0).multipart()).contains(new Multipart("", -1, -1, 0));
    }

    @Test
    void an_empty_load_on_startup_means_load_at_startup() throws Exception {
        WebDescriptor d = parseWebApp("""
                <servlet><servlet-name>a</servlet-name><servlet-class>A</servlet-class><load-on-startup/></servlet>
                """);

        assertThat(d.servlets().get(0).loadOnStartup()).contains(0);
    }

    @Test
    void keeps_several_url_patterns_per_mapping_and_several_mappings_per_servlet() throws Exception {
        WebDescriptor d = parseWebApp("""
                <servlet><servlet-name>api</servlet-name><servlet-class>Api</servlet-class></servlet>
                <servlet-mapping>
                  <servlet-name>api</servlet-name>
                  <url-pattern>/api/*</url-pattern>
                  <url-pattern>*.json</url-pattern>
                </servlet-mapping>
                <servlet-mapping>
                  <servlet-name>api</servlet-name>
                  <url-pattern>/v2</url-pattern>
                </servlet-mapping>
                """);

        assertThat(d.servletMappings()).containsExactly(
                new ServletMapping("api", List.of("/api/*", "*.json"), new Origin(Descriptors.WEB_XML, 3)),
                new ServletMapping("api", List.of("/v2"), new Origin(Descriptors.WEB_XML, 8)));
    }

    @Test
    void a_filter_mapping_without_dispatcher_applies_to_requests() throws Exception {
        WebDescriptor d = parseWebApp("""
                <filter-mapping><filter-name>f</filter-name><url-pattern>/*</url-pattern></filter-mapping>
                """);

        assertThat(d.filterMappings().get(0).dispatchers()).containsExactly(DispatcherType.REQUEST);
    }

    @Test
    void keeps_url_patterns_servlet_names_and_dispatchers_of_a_filter_mapping() throws Exception {
        WebDescriptor d = parseWebApp("""
                <filter-mapping>
                  <filter-name>f</filter-name>
                  <url-pattern>/a/*</url-pattern>
                  <servlet-name>s1</servlet-name>
                  <url-pattern>*.do</url-pattern>
                  <servlet-name>s2</servlet-name>
                  <dispatcher>FORWARD</dispatcher>
                  <dispatcher> include </dispatcher>
                  <dispatcher>ASYNC</dispatcher>
                </filter-mapping>
                """);

        assertThat(d.filterMappings()).containsExactly(new FilterMapping("f", List.of("/a/*", "*.do"),
                List.of("s1", "s2"),
                List.of(DispatcherType.FORWARD, DispatcherType.INCLUDE, DispatcherType.ASYNC),
                new Origin(Descriptors.WEB_XML, 2)));
    }

    @Test
    void keeps_filter_mappings_in_document_order() throws Exception {
        WebDescriptor d = parseWebApp("""
                <filter-mapping><filter-name>c</filter-name><url-pattern>/*</url-pattern></filter-mapping>
                <filter><filter-name>a</filter-name><filter-class>A</filter-class></filter>
                <filter-mapping><filter-name>a</filter-name><url-pattern>/*</url-pattern></filter-mapping>
                <filter-mapping><filter-name>b</filter-name><servlet-name>x</servlet-name></filter-mapping>
                <filter-mapping><filter-name>a</filter-name><url-pattern>/a</url-pattern></filter-mapping>
                """);

        assertThat(d.filterMappings()).extracting(FilterMapping::filterName).containsExactly("c", "a", "b", "a");
    }

    @Test
    void reads_error_pages_by_code_by_exception_type_and_the_default_one() throws Exception {
        WebDescriptor d = parseWebApp("""
                <error-page><error-code>404</error-code><location>/404.html</location></error-page>
                <error-page><exception-type>java.io.IOException</exception-type><location>/io</location></error-page>
                <error-page><location>/oops</location></error-page>
                """);

        assertThat(d.errorPages()).containsExactly(
                new ErrorPage(Optional.of(404), Optional.empty(), "/404.html", new Origin(Descriptors.WEB_XML, 2)),
                new ErrorPage(Optional.empty(), Optional.of("java.io.IOException"), "/io", new Origin(Descriptors.WEB_XML, 3)),
                new ErrorPage(Optional.empty(), Optional.empty(), "/oops", new Origin(Descriptors.WEB_XML, 4)));
    }

    @Test
    void reads_session_config_with_cookie_config_and_tracking_modes() throws Exception {
        WebDescriptor d = parseWebApp("""
                <session-config>
                  <session-timeout>30</session-timeout>
                  <cookie-config>
                    <name>SID</name>
                    <domain>example.com</domain>
                    <path>/shop</path>
                    <http-only>true</http-only>
                    <secure>true</secure>
                    <max-age>3600</max-age>
                    <attribute><attribute-name>SameSite</attribute-name><attribute-value>Strict</attribute-value></attribute>
                  </cookie-config>
                  <tracking-mode>COOKIE</tracking-mode>
                  <tracking-mode>URL</tracking-mode>
                </session-config>
                """);

        assertThat(d.sessionConfig()).isEqualTo(new SessionConfig(Optional.of(30),
                new CookieConfig(Optional.of("SID"), Optional.of("example.com"), Optional.of("/shop"), Optional.of(true),
                        Optional.of(true), Optional.of(3600), List.of(new Param("SameSite", "Strict"))),
                List.of(SessionTrackingMode.COOKIE, SessionTrackingMode.URL)));
    }

    @Test
    void reads_locale_encoding_mappings_and_the_request_and_response_encodings() throws Exception {
        WebDescriptor d = parseWebApp("""
                <locale-encoding-mapping-list>
                  <locale-encoding-mapping><locale>ja</locale><encoding>Shift_JIS</encoding></locale-encoding-mapping>
                </locale-encoding-mapping-list>
                <request-character-encoding>UTF-8</request-character-encoding>
                <response-character-encoding>ISO-8859-1</response-character-encoding>
                """);

        assertThat(d.localeEncodings()).containsExactly(new LocaleEncoding("ja", "Shift_JIS"));
        assertThat(d.requestCharacterEncoding()).contains("UTF-8");
        assertThat(d.responseCharacterEncoding()).contains("ISO-8859-1");
    }

    @Test
    void reads_security_constraints_roles_and_login_config() throws Exception {
        WebDescriptor d = parseWebApp("""
                <security-constraint>
                  <web-resource-collection>
                    <web-resource-name>admin</web-resource-name>
                    <url-pattern>/admin/*</url-pattern>
                    <http-method>GET</http-method>
                    <http-method>POST</http-method>
                  </web-resource-collection>
                  <web-resource-collection>
                    <url-pattern>/ops/*</url-pattern>
                    <http-method-omission>OPTIONS</http-method-omission>
                  </web-resource-collection>
                  <auth-constraint><role-name>admin</role-name><role-name>ops</role-name></auth-constraint>
                  <user-data-constraint><transport-guarantee>CONFIDENTIAL</transport-guarantee></user-data-constraint>
                </security-constraint>
                <security-role><role-name>admin</role-name></security-role>
                <security-role><role-name>ops</role-name></security-role>
                <login-config>
                  <auth-method>FORM</auth-method>
                  <realm-name>shop</realm-name>
                  <form-login-config>
                    <form-login-page>/login.html</form-login-page>
                    <form-error-page>/login-failed.html</form-error-page>
                  </form-login-config>
                </login-config>
                <deny-uncovered-http-methods/>
                """);

        assertThat(d.securityConstraints()).containsExactly(new SecurityConstraint(
                List.of(new WebResourceCollection(List.of("/admin/*"), List.of("GET", "POST"), List.of()),
                        new WebResourceCollection(List.of("/ops/*"), List.of(), List.of("OPTIONS"))),
                Optional.of(new AuthConstraint(List.of("admin", "ops"))),
                TransportGuarantee.CONFIDENTIAL));
        assertThat(d.securityRoles()).containsExactly("admin", "ops");
        assertThat(d.loginConfig()).contains(new LoginConfig(Optional.of("FORM"), Optional.of("shop"),
                Optional.of("/login.html"), Optional.of("/login-failed.html")));
        assertThat(d.denyUncoveredHttpMethods()).isTrue();
    }

    @Test
    void tells_a_missing_auth_constraint_from_an_empty_one() throws Exception {
        WebDescriptor d = parseWebApp("""
                <security-constraint>
                  <web-resource-collection><url-pattern>/open/*</url-pattern></web-resource-collection>
                </security-constraint>
                <security-constraint>
                  <web-resource-collection><url-pattern>/closed/*</url-pattern></web-resource-collection>
                  <auth-constraint/>
                </security-constraint>
                """);

        assertThat(d.securityConstraints()).extracting(SecurityConstraint::authConstraint)
                .containsExactly(Optional.empty(), Optional.of(new AuthConstraint(List.of())));
    }

    @Test
    void reads_distributable() throws Exception {
        assertThat(parseWebApp("<distributable/>").distributable()).isTrue();
        assertThat(parseWebApp("").distributable()).isFalse();
    }

    @Test
    void reads_metadata_complete_and_version_from_the_root_element() throws Exception {
        WebDescriptor d = parse("<web-app version=\"4.0\" metadata-complete=\"true\"/>");

        assertThat(d.version()).contains("4.0");
        assertThat(d.metadataComplete()).isTrue();
    }

    @Test
    void reads_absolute_ordering_with_the_position_of_others() throws Exception {
        WebDescriptor d = parseWebApp("""
                <absolute-ordering>
                  <name>a</name>
                  <others/>
                  <name>b</name>
                </absolute-ordering>
                """);

        assertThat(d.absoluteOrdering()).contains(new AbsoluteOrdering(List.of("a", "b"), Optional.of(1)));
    }

    @Test
    void reads_the_name_and_relative_ordering_of_a_fragment() throws Exception {
        WebDescriptor d = parse("""
                <web-fragment metadata-complete="true">
                  <name>security</name>
                  <ordering>
                    <after><name>logging</name></after>
                    <before><others/></before>
                  </ordering>
                </web-fragment>
                """);

        assertThat(d.name()).contains("security");
        assertThat(d.metadataComplete()).isTrue();
        assertThat(d.ordering()).isEqualTo(new Ordering(List.of("logging"), false, List.of(), true));
    }

    @Test
    void reads_a_descriptor_without_a_namespace() throws Exception {
        WebDescriptor d = parse("<web-app><display-name>plain</display-name></web-app>");

        assertThat(d.displayName()).contains("plain");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://xmlns.jcp.org/xml/ns/javaee", "http://java.sun.com/xml/ns/javaee",
            "http://java.sun.com/xml/ns/j2ee", "https://jakarta.ee/xml/ns/jakartaee"})
    void reads_every_java_ee_and_jakarta_ee_namespace(String namespace) throws Exception {
        WebDescriptor d = parse("<web-app xmlns=\"" + namespace + "\"><display-name>ns</display-name></web-app>");

        assertThat(d.displayName()).contains("ns");
    }

    @Test
    void trims_whitespace_around_values() throws Exception {
        WebDescriptor d = parseWebApp("""
                <servlet>
                  <servlet-name>
                      spaced
                  </servlet-name>
                  <servlet-class>  com.example.Spaced\t</servlet-class>
                  <load-on-startup> 3 </load-on-startup>
                </servlet>
                """);

        assertThat(d.servlets().get(0)).satisfies(s -> {
            assertThat(s.name()).isEqualTo("spaced");
            assertThat(s.servletClass()).contains("com.example.Spaced");
            assertThat(s.loadOnStartup()).contains(3);
        });
    }

    @Test
    void reads_env_entries_resource_refs_their_injection_targets_and_lifecycle_callbacks() throws Exception {
        WebDescriptor d = parseWebApp("""
                <env-entry>
                  <env-entry-name>java:comp/env/retries</env-entry-name>
                  <env-entry-type>java.lang.Integer</env-entry-type>
                  <env-entry-value>3</env-entry-value>
                  <injection-target>
                    <injection-target-class>com.example.Shop</injection-target-class>
                    <injection-target-name>retries</injection-target-name>
                  </injection-target>
                </env-entry>
                <env-entry><env-entry-name>motto</env-entry-name><env-entry-value></env-entry-value></env-entry>
                <env-entry><env-entry-name>unset</env-entry-name></env-entry>
                <resource-ref>
                  <res-ref-name>jdbc/shop</res-ref-name>
                  <res-type>javax.sql.DataSource</res-type>
                  <res-auth>Container</res-auth>
                  <lookup-name>java:comp/env/jdbc/main</lookup-name>
                </resource-ref>
                <post-construct>
                  <lifecycle-callback-class>com.example.Shop</lifecycle-callback-class>
                  <lifecycle-callback-method>open</lifecycle-callback-method>
                </post-construct>
                <pre-destroy>
                  <lifecycle-callback-class>com.example.Shop</lifecycle-callback-class>
                  <lifecycle-callback-method>close</lifecycle-callback-method>
                </pre-destroy>
                """);

        WebDescriptor.Environment env = d.environment();
        assertThat(env.envEntries()).containsExactly(
                new EnvEntry("retries", Optional.of("java.lang.Integer"), Optional.of("3"), Optional.empty(),
                        List.of(new InjectionTarget("com.example.Shop", "retries")), new Origin(Descriptors.WEB_XML, 2)),
                new EnvEntry("motto", Optional.empty(), Optional.of(""), Optional.empty(), List.of(),
                        new Origin(Descriptors.WEB_XML, 11)),
                new EnvEntry("unset", Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                        new Origin(Descriptors.WEB_XML, 12)));
        assertThat(env.resourceRefs()).containsExactly(new ResourceRef("jdbc/shop", Optional.of("javax.sql.DataSource"),
                Optional.of("java:comp/env/jdbc/main"), List.of(), new Origin(Descriptors.WEB_XML, 13)));
        assertThat(env.postConstructs()).containsExactly(
                new LifecycleCallback("com.example.Shop", "open", new Origin(Descriptors.WEB_XML, 19)));
        assertThat(env.preDestroys()).containsExactly(
                new LifecycleCallback("com.example.Shop", "close", new Origin(Descriptors.WEB_XML, 23)));
    }

    @Test
    void ignores_unknown_elements_and_elements_of_other_namespaces() throws Exception {
        WebDescriptor d = parse("""
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" xmlns:v="urn:vendor">
                  <v:display-name>vendor</v:display-name>
                  <fancy-extension><display-name>nested</display-name></fancy-extension>
                  <env-entry><env-entry-name>x</env-entry-name></env-entry>
                  <display-name>real</display-name>
                </web-app>
                """);

        assertThat(d.displayName()).contains("real");
    }

    @Test
    void parses_a_2_3_doctype_without_fetching_the_dtd() throws Exception {
        try (CountingServer dtdServer = new CountingServer()) {
            WebDescriptor d = parse("""
                    <?xml version="1.0" encoding="ISO-8859-1"?>
                    <!DOCTYPE web-app PUBLIC "-//Sun Microsystems, Inc.//DTD Web Application 2.3//EN" "%s">
                    <web-app>
                      <servlet><servlet-name>old</servlet-name><servlet-class>Old</servlet-class></servlet>
                    </web-app>
                    """.formatted(dtdServer.url("/web-app_2_3.dtd")));

            assertThat(d.version()).contains("2.3");
            assertThat(d.servlets()).extracting(Servlet::name).containsExactly("old");
            assertThat(dtdServer.hits()).isZero();
        }
    }

    @Test
    void never_resolves_external_entities() throws Exception {
        try (CountingServer entityServer = new CountingServer()) {
            WebDescriptor d = parse("""
                    <?xml version="1.0"?>
                    <!DOCTYPE web-app [
                      <!ENTITY remote SYSTEM "%s">
                      <!ENTITY local SYSTEM "file:///etc/hostname">
                    ]>
                    <web-app><display-name>&remote;&local;</display-name></web-app>
                    """.formatted(entityServer.url("/secret")));

            assertThat(d.displayName()).isEmpty();
            assertThat(entityServer.hits()).isZero();
        }
    }

    @Test
    void the_descriptor_of_an_app_without_web_xml_says_nothing() {
        WebDescriptor d = WebDescriptor.empty("shop.war");

        assertThat(d.kind()).isEqualTo(Kind.WEB_APP);
        assertThat(d.metadataComplete()).isFalse();
        assertThat(d.servlets()).isEmpty();
        assertThat(d.welcomeFiles()).isEmpty();
        assertThat(d.sessionConfig()).isEqualTo(SessionConfig.NONE);
    }

    private static WebDescriptor parseFile(String path, String source) throws Exception {
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            return WebXml.parse(in, source);
        }
    }

    /** A local HTTP server that only counts requests: proof that parsing fetched nothing. */
    private static final class CountingServer implements AutoCloseable {
        private final AtomicInteger hits = new AtomicInteger();
        private final HttpServer server;

        CountingServer() throws Exception {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                hits.incrementAndGet();
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        int hits() {
            return hits.get();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
