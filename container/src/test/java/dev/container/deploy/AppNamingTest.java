package dev.container.deploy;

import static dev.container.deploy.Descriptors.parseWebApp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.container.config.AppResources;
import dev.container.config.Origin;
import dev.container.testing.LogCapture;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** An app's java:comp/env names, from the config file and web.xml, and the one line when a reference is missing. */
class AppNamingTest {
    private static final AppResources IN_FILE = new AppResources(List.of(), List.of(),
            Optional.of(new Origin("conf/container.conf", 12)));

    private static AppNaming naming(String webXmlBody, Map<String, Object> configEnv, Map<String, DataSource> dataSources,
                                    AppResources resources) throws DeploymentError {
        return AppNaming.of("shop", configEnv, parseWebApp(webXmlBody).environment(), dataSources, resources);
    }

    private static String entry(String name, String type, String value) {
        return "<env-entry><env-entry-name>" + name + "</env-entry-name>"
                + (type.isEmpty() ? "" : "<env-entry-type>" + type + "</env-entry-type>")
                + "<env-entry-value>" + value + "</env-entry-value></env-entry>\n";
    }

    @Test
    void web_xml_values_have_their_declared_types_and_the_config_files_values_win() throws Exception {
        AppNaming naming = naming(entry("greeting", "java.lang.String", "from web.xml")
                + entry("retries", "java.lang.Integer", "3")
                + entry("ratio", "java.lang.Double", "0.5")
                + entry("flag", "java.lang.Boolean", "true")
                + entry("initial", "java.lang.Character", "x")
                + entry("untyped", "", "7")
                + "<env-entry><env-entry-name>declared-only</env-entry-name></env-entry>\n",
                Map.of("greeting", "from the config file"), Map.of(), IN_FILE);

        assertThat(naming.bindings()).containsExactlyInAnyOrderEntriesOf(Map.of("greeting", "from the config file",
                "retries", 3, "ratio", 0.5, "flag", true, "initial", 'x', "untyped", "7"));
        assertThat(naming.lookup("java:comp/env/retries")).contains(3);
        assertThat(naming.lookup("declared-only")).isEmpty();
        assertThat(naming.lookup("java:global/retries")).isEmpty();
    }

    @Test
    void a_value_that_does_not_fit_its_type_is_left_out_with_a_warning_naming_its_line() throws Exception {
        try (var log = LogCapture.start()) {
            AppNaming naming = naming(entry("retries", "java.lang.Integer", "lots"), Map.of(), Map.of(), IN_FILE);

            assertThat(naming.lookup("retries")).isEmpty();
            assertThat(log.messages(ch.qos.logback.classic.Level.WARN)).containsExactly("shop: shop.war!/WEB-INF/web.xml:2:"
                    + " env-entry \"retries\": \"lots\" is not a java.lang.Integer; it is left out of java:comp/env");
        }
    }

    @Test
    void lookup_name_makes_a_name_another_ones() throws Exception {
        AppNaming naming = naming("""
                <env-entry><env-entry-name>alias</env-entry-name><lookup-name>java:comp/env/greeting</lookup-name></env-entry>
                <resource-ref><res-ref-name>jdbc/orders</res-ref-name><lookup-name>jdbc/shop</lookup-name></resource-ref>
                """, Map.of("greeting", "hi"), Map.of("jdbc/shop", new HikariDataSource()), IN_FILE);

        assertThat(naming.lookup("alias")).contains("hi");
        assertThat(naming.lookup("jdbc/orders")).containsSame(naming.lookup("jdbc/shop").orElseThrow());
    }

    @Test
    void a_resource_ref_nothing_satisfies_names_the_config_line_to_add_it_at() {
        assertThatThrownBy(() -> naming("""
                <resource-ref><res-ref-name>jdbc/shop</res-ref-name><res-type>javax.sql.DataSource</res-type></resource-ref>
                """, Map.of(), Map.of(), IN_FILE))
                .isInstanceOf(DeploymentError.class)
                .hasMessage("shop: resource \"jdbc/shop\" (resource-ref at shop.war!/WEB-INF/web.xml:2) is not configured;"
                        + " add resources { \"jdbc/shop\" { type = datasource, url = \"jdbc:...\" } } to the app at"
                        + " conf/container.conf:12");
    }

    @Test
    void a_resource_ref_of_a_type_the_container_does_not_provide_says_so() {
        assertThatThrownBy(() -> naming("""
                <resource-ref><res-ref-name>mail/Session</res-ref-name><res-type>jakarta.mail.Session</res-type></resource-ref>
                """, Map.of(), Map.of(), AppResources.NONE))
                .isInstanceOf(DeploymentError.class)
                .hasMessage("shop: resource \"mail/Session\" (jakarta.mail.Session, resource-ref at shop.war!/WEB-INF/web.xml:2)"
                        + " is not configured; the container provides DataSources only (resources { \"NAME\" { type ="
                        + " datasource, ... } }), not a jakarta.mail.Session");
    }

    @Test
    void a_resource_ref_whose_name_holds_something_else_fails_naming_both() {
        assertThatThrownBy(() -> naming("""
                <resource-ref><res-ref-name>mail/x</res-ref-name><res-type>jakarta.mail.Session</res-type></resource-ref>
                """, Map.of(), Map.of("mail/x", new HikariDataSource()), IN_FILE))
                .isInstanceOf(DeploymentError.class)
                .hasMessage("shop: resource-ref at shop.war!/WEB-INF/web.xml:2 asks for a jakarta.mail.Session at"
                        + " \"mail/x\", but the config gives it a DataSource");
    }
}
