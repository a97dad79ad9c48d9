package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.Configurator;
import java.net.URL;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class WebAppClassLoaderTest {
    @Test
    void platform_and_container_classes_are_loaded_parent_first() {
        assertThat(WebAppClassLoader.parentFirst("java.lang.String")).isTrue();
        assertThat(WebAppClassLoader.parentFirst("javax.xml.parsers.DocumentBuilder")).isTrue();
        assertThat(WebAppClassLoader.parentFirst("org.w3c.dom.Node")).isTrue();
        assertThat(WebAppClassLoader.parentFirst("jakarta.servlet.http.HttpServlet")).isTrue();
        assertThat(WebAppClassLoader.parentFirst("io.undertow.server.HttpHandler")).isTrue();
    }

    @Test
    void jsp_and_el_apis_and_jaspers_runtime_are_the_containers() {
        assertThat(WebAppClassLoader.parentFirst("jakarta.servlet.jsp.JspFactory")).isTrue();
        assertThat(WebAppClassLoader.parentFirst("jakarta.el.ExpressionFactory")).isTrue();
        assertThat(WebAppClassLoader.parentFirst("org.apache.jasper.runtime.HttpJspBase")).isTrue();
    }

    @Test
    void the_jstl_api_is_the_apps_own() {
        assertThat(WebAppClassLoader.delegation("jakarta.servlet.jsp.jstl.core.LoopTagSupport"))
                .isEqualTo(WebAppClassLoader.Delegation.APP_THEN_PARENT);
    }

    @Test
    void tomcat_packages_come_from_the_container_when_it_has_them_else_from_the_app() throws Exception {
        assertThat(WebAppClassLoader.delegation("org.apache.tomcat.InstanceManager"))
                .isEqualTo(WebAppClassLoader.Delegation.PARENT_THEN_APP);
        byte[] jdbcPool = new dev.container.testing.WarBuilder()
                .java("org.apache.tomcat.jdbc.pool.DataSource", """
                        package org.apache.tomcat.jdbc.pool;
                        public class DataSource {}
                        """)
                .buildJar();
        Path jar = java.nio.file.Files.write(java.nio.file.Files.createTempFile("tomcat-jdbc", ".jar"), jdbcPool);
        try (var loader = new WebAppClassLoader("t", List.of(jar.toUri().toURL()), getClass().getClassLoader())) {
            assertThat(loader.loadClass("org.apache.tomcat.jdbc.pool.DataSource").getClassLoader()).isSameAs(loader);
            assertThat(loader.loadClass("org.apache.tomcat.InstanceManager").getClassLoader())
                    .isSameAs(getClass().getClassLoader());
        } finally {
            java.nio.file.Files.delete(jar);
        }
    }

    @Test
    void application_libraries_are_loaded_child_first() {
        assertThat(WebAppClassLoader.parentFirst("org.slf4j.Logger")).isFalse();
        assertThat(WebAppClassLoader.parentFirst("com.fasterxml.jackson.databind.ObjectMapper")).isFalse();
        assertThat(WebAppClassLoader.parentFirst("javax.inject.Inject")).isFalse();
        assertThat(WebAppClassLoader.parentFirst("jakarta.ws.rs.Path")).isFalse();
    }

    @Test
    void the_containers_own_libraries_are_invisible_to_an_app_that_does_not_ship_them() throws Exception {
        String jackson = "com.fasterxml.jackson.databind.ObjectMapper";
        assertThat(getClass().getClassLoader().loadClass(jackson)).isNotNull(); // the container has it
        try (var app = new WebAppClassLoader("t", List.of(), getClass().getClassLoader())) {
            for (String hidden : List.of(jackson, "org.bouncycastle.cert.X509CertificateHolder",
                    "org.conscrypt.Conscrypt", "com.typesafe.config.Config", "picocli.CommandLine",
                    "org.apache.tomcat.jakartaee.Migration", "org.apache.tomcat.jakartaee.commons.io.IOUtils",
                    // the metrics registry: Spring Boot would switch its own metrics on if it saw Micrometer
                    "io.micrometer.core.instrument.MeterRegistry", "io.micrometer.prometheusmetrics.PrometheusMeterRegistry",
                    "io.prometheus.metrics.model.registry.PrometheusRegistry", "org.HdrHistogram.Histogram",
                    "com.zaxxer.hikari.HikariDataSource")) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> Class.forName(hidden, false, app))
                        .as(hidden).isInstanceOf(ClassNotFoundException.class);
            }
            assertThat(app.getResource(jackson.replace('.', '/') + ".class")).isNull();
            assertThat(app.getResource("org/apache/tomcat/jakartaee/LocalStrings.properties")).isNull();
            assertThat(app.loadClass("org.quartz.Job")).as("class jobs implement the container's Quartz Job")
                    .isSameAs(org.quartz.Job.class);
        }
        try (var shipsJackson = new WebAppClassLoader("t", List.of(jarOf(com.fasterxml.jackson.core.JsonFactory.class)),
                getClass().getClassLoader())) {
            Class<?> own = shipsJackson.loadClass("com.fasterxml.jackson.core.Versioned");
            assertThat(own.getClassLoader()).isSameAs(shipsJackson);
        }
    }

    /** The container registers its log setup as a Logback Configurator (META-INF/services). */
    private static final String CONFIGURATORS = "META-INF/services/" + Configurator.class.getName();

    @Test
    void app_that_ships_a_service_type_sees_only_its_own_providers_of_it() throws Exception {
        try (var loader = new WebAppClassLoader("t", List.of(jarOf(Configurator.class)), getClass().getClassLoader())) {
            assertThat(Collections.list(loader.getResources(CONFIGURATORS)))
                    .noneMatch(url -> url.toString().contains("target/classes"));
            Class<?> ownCopy = loader.loadClass(Configurator.class.getName());
            assertThat(ownCopy).isNotSameAs(Configurator.class);
            // With the container's file, ServiceLoader fails: "dev.container.LogSetup not a subtype".
            assertThat(ServiceLoader.load(ownCopy, loader).stream()).isEmpty();
        }
    }

    @Test
    void app_without_its_own_copy_of_a_service_type_sees_the_containers_providers() throws Exception {
        try (var loader = new WebAppClassLoader("t", List.of(), getClass().getClassLoader())) {
            assertThat(Collections.list(loader.getResources(CONFIGURATORS))).isNotEmpty();
        }
    }

    private static URL jarOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri().toURL();
    }
}
