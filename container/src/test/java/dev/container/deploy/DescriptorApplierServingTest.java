package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Undertow, on a real port, serves what a web.xml declares once DescriptorApplier has applied it. */
class DescriptorApplierServingTest {
    private static final String WEB_XML = """
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
              <context-param><param-name>site</param-name><param-value>the shop</param-value></context-param>
              <listener><listener-class>%1$s$StartupListener</listener-class></listener>
              <filter>
                <filter-name>stamp</filter-name>
                <filter-class>%1$s$StampFilter</filter-class>
                <init-param><param-name>stamp</param-name><param-value>web.xml</param-value></init-param>
              </filter>
              <filter-mapping><filter-name>stamp</filter-name><url-pattern>/hello</url-pattern></filter-mapping>
              <servlet>
                <servlet-name>hello</servlet-name>
                <servlet-class>%1$s$HelloServlet</servlet-class>
                <init-param><param-name>greeting</param-name><param-value>hi</param-value></init-param>
              </servlet>
              <servlet><servlet-name>boom</servlet-name><servlet-class>%1$s$BoomServlet</servlet-class></servlet>
              <servlet><servlet-name>error</servlet-name><servlet-class>%1$s$ErrorServlet</servlet-class></servlet>
              <servlet><servlet-name>session</servlet-name><servlet-class>%1$s$SessionServlet</servlet-class></servlet>
              <servlet-mapping><servlet-name>hello</servlet-name><url-pattern>/hello</url-pattern></servlet-mapping>
              <servlet-mapping><servlet-name>session</servlet-name><url-pattern>/session</url-pattern></servlet-mapping>
              <servlet-mapping><servlet-name>boom</servlet-name><url-pattern>/boom</url-pattern></servlet-mapping>
              <servlet-mapping><servlet-name>error</servlet-name><url-pattern>/error</url-pattern></servlet-mapping>
              <session-config>
                <session-timeout>15</session-timeout>
                <cookie-config><name>SHOPSESSION</name><http-only>true</http-only></cookie-config>
              </session-config>
              <error-page><error-code>404</error-code><location>/error</location></error-page>
              <error-page><exception-type>%1$s$AppException</exception-type><location>/error</location></error-page>
            </web-app>
            """.formatted(TestComponents.class.getName());

    private static DeploymentManager manager;
    private static Undertow server;
    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void deploy() throws Exception {
        ClassLoader loader = DescriptorApplierServingTest.class.getClassLoader();
        DeploymentInfo info = new DeploymentInfo()
                .setClassLoader(loader)
                .setContextPath("/shop")
                .setDeploymentName("shop.war");
        DescriptorApplier.apply(Descriptors.parse(WEB_XML), info, loader);
        manager = Servlets.newContainer().addDeployment(info);
        manager.deploy();
        server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setHandler(Handlers.path().addPrefixPath("/shop", manager.start()))
                .build();
        server.start();
    }

    @AfterAll
    static void undeploy() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (manager != null) {
            manager.stop();
            manager.undeploy();
        }
    }

    @Test
    void serves_a_servlet_with_its_init_params_context_params_and_listener() throws Exception {
        HttpResponse<String> response = get("/shop/hello");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hi from the shop, started=yes");
    }

    @Test
    void runs_the_mapped_filter_with_its_init_params() throws Exception {
        assertThat(get("/shop/hello").headers().allValues("X-Stamp")).containsExactly("web.xml");
    }

    @Test
    void answers_a_missing_page_with_the_error_page_for_404() throws Exception {
        HttpResponse<String> response = get("/shop/nothing-here");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("error page: status 404");
    }

    @Test
    void answers_an_exception_with_the_error_page_for_its_type() throws Exception {
        HttpResponse<String> response = get("/shop/boom");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("error page: status 500, AppException");
    }

    @Test
    void gives_sessions_the_configured_timeout() throws Exception {
        assertThat(get("/shop/session").body()).isEqualTo("timeout 900");
    }

    @Test
    void names_the_session_cookie_as_configured_and_keeps_its_default_path() throws Exception {
        assertThat(get("/shop/session").headers().firstValue("Set-Cookie")).hasValueSatisfying(cookie -> {
            assertThat(cookie).startsWith("SHOPSESSION=");
            assertThat(cookie).contains("Path=/shop").contains("HttpOnly");
        });
    }

    private static HttpResponse<String> get(String path) throws Exception {
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
