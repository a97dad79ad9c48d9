package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.container.config.AppSpec;
import dev.container.testing.LogCapture;
import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DataSources from the config file ({@code apps[].resources}), pooled by HikariCP, over a real
 * database: H2, whose driver the app ships in WEB-INF/lib (or the config names in {@code jars}).
 */
class DataSourceTest {
    /** Where the test apps' listener leaves the DataSource it was given, for the test to check after a stop. */
    private static final String HANDED_OVER = "naming-test.datasource";
    private static final String OLD_OPEN_AT_START = "naming-test.old-pool-open-at-start";

    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        System.getProperties().remove(HANDED_OVER);
        System.getProperties().remove(OLD_OPEN_AT_START);
    }

    static byte[] h2() throws IOException {
        return Files.readAllBytes(Path.of(System.getProperty("test.libs.dir"), "h2.jar"));
    }

    /** The shop: orders through an injected DataSource, the same one by lookup, and a listener that hands it over. */
    static WarBuilder shop() {
        return new WarBuilder()
                .java("shop.Orders", """
                        package shop;
                        import java.sql.*;
                        @jakarta.servlet.annotation.WebServlet("/orders")
                        public class Orders extends jakarta.servlet.http.HttpServlet {
                            @jakarta.annotation.Resource(name = "jdbc/shop")
                            private javax.sql.DataSource ds;

                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                                    s.execute("CREATE TABLE IF NOT EXISTS orders (id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(40))");
                                    try (PreparedStatement insert = c.prepareStatement("INSERT INTO orders (item) VALUES (?)")) {
                                        insert.setString(1, req.getParameter("item"));
                                        insert.executeUpdate();
                                    }
                                    try (ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(item) FROM orders")) {
                                        rs.next();
                                        resp.getWriter().print(rs.getInt(1) + " orders, last " + rs.getString(2) + ", in "
                                                + c.getMetaData().getDatabaseProductName() + " through " + ds.getClass().getName());
                                    }
                                } catch (SQLException e) {
                                    resp.setStatus(500);
                                    resp.getWriter().print(e);
                                }
                            }
                        }
                        """)
                .java("shop.Lookup", """
                        package shop;
                        @jakarta.servlet.annotation.WebServlet("/lookup")
                        public class Lookup extends jakarta.servlet.http.HttpServlet {
                            @jakarta.annotation.Resource(name = "jdbc/shop")
                            private javax.sql.DataSource injected;

                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                try {
                                    var env = (javax.naming.Context) new javax.naming.InitialContext().lookup("java:comp/env");
                                    Object found = env.lookup("jdbc/shop");
                                    resp.getWriter().print(found == injected ? "the injected pool" : "another object: " + found);
                                } catch (javax.naming.NamingException e) {
                                    resp.getWriter().print(e.toString());
                                }
                            }
                        }
                        """)
                .java("shop.Mapped", """
                        package shop;
                        @jakarta.servlet.annotation.WebServlet("/mapped")
                        public class Mapped extends jakarta.servlet.http.HttpServlet {
                            private javax.sql.DataSource ds;

                            @jakarta.annotation.Resource(mappedName = "jdbc/shop")
                            public void setDataSource(javax.sql.DataSource ds) {
                                this.ds = ds;
                            }

                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                try {
                                    var context = new javax.naming.InitialContext();
                                    boolean same = ds == context.lookup("java:comp/env/jdbc/shop");
                                    boolean bound = ds == context.lookup("java:comp/env/shop.Mapped/dataSource");
                                    resp.getWriter().print(same && bound ? "jdbc/shop by its mapped name, bound at its own"
                                            : "another DataSource");
                                } catch (javax.naming.NamingException e) {
                                    resp.getWriter().print(e.toString());
                                }
                            }
                        }
                        """)
                .java("shop.Exhaust", """
                        package shop;
                        import java.sql.*;
                        import java.util.*;
                        @jakarta.servlet.annotation.WebServlet("/exhaust")
                        public class Exhaust extends jakarta.servlet.http.HttpServlet {
                            @jakarta.annotation.Resource(name = "jdbc/shop")
                            private javax.sql.DataSource ds;

                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                List<Connection> held = new ArrayList<>();
                                try {
                                    while (held.size() < 100) {
                                        held.add(ds.getConnection());
                                    }
                                    resp.getWriter().print("100 connections");
                                } catch (SQLException e) {
                                    resp.getWriter().print(held.size() + " connections, then " + e.getClass().getSimpleName());
                                } finally {
                                    for (Connection c : held) {
                                        try { c.close(); } catch (SQLException ignored) { }
                                    }
                                }
                            }
                        }
                        """)
                .java("shop.Watch", """
                        package shop;
                        @jakarta.servlet.annotation.WebListener
                        public class Watch implements jakarta.servlet.ServletContextListener {
                            @jakarta.annotation.Resource(name = "jdbc/shop")
                            private javax.sql.DataSource ds;

                            public void contextInitialized(jakarta.servlet.ServletContextEvent e) {
                                Object old = System.getProperties().get("%s");
                                if (old != null) {
                                    try (var c = ((javax.sql.DataSource) old).getConnection()) {
                                        System.getProperties().put("%s", "yes");
                                    } catch (java.sql.SQLException closed) {
                                        System.getProperties().put("%s", "no: " + closed);
                                    }
                                }
                                System.getProperties().put("%s", ds);
                            }
                        }
                        """.formatted(HANDED_OVER, OLD_OPEN_AT_START, OLD_OPEN_AT_START, HANDED_OVER));
    }

    private Path config(String app) throws IOException {
        return Files.writeString(dir.resolve("shop.conf"), "apps = [\n" + app + "\n]\n");
    }

    @Test
    void a_servlet_queries_h2_from_its_web_inf_lib_through_a_hikari_pool_also_found_by_lookup() throws Exception {
        shop().lib("h2.jar", h2())
                .java("shop.Xml", """
                        package shop;
                        @jakarta.servlet.annotation.WebServlet("/xml")
                        public class Xml extends jakarta.servlet.http.HttpServlet {
                            private javax.sql.DataSource orders;

                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                try {
                                    var context = new javax.naming.InitialContext();
                                    boolean linked = orders == context.lookup("java:comp/env/jdbc/shop")
                                            && orders == context.lookup("java:comp/env/jdbc/orders");
                                    resp.getWriter().print(linked ? "jdbc/orders is jdbc/shop" : "not linked: " + orders);
                                } catch (javax.naming.NamingException e) {
                                    resp.getWriter().print(e.toString());
                                }
                            }
                        }
                        """)
                .file("WEB-INF/web.xml", """
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <resource-ref>
                            <res-ref-name>jdbc/orders</res-ref-name>
                            <res-type>javax.sql.DataSource</res-type>
                            <lookup-name>java:comp/env/jdbc/shop</lookup-name>
                            <injection-target>
                              <injection-target-class>shop.Xml</injection-target-class>
                              <injection-target-name>orders</injection-target-name>
                            </injection-target>
                          </resource-ref>
                        </web-app>
                        """)
                .buildWar(dir.resolve("shop.war"));
        Path conf = config("""
                  {
                    war = shop.war
                    resources {
                      "jdbc/shop" { type = datasource, url = "jdbc:h2:mem:shop", user = sa, password = ${?SHOP_TEST_UNSET_PASSWORD}, pool { max = 3, min-idle = 1, connection-timeout = 250ms } }
                    }
                  }""");
        server = TestServer.start(dir.resolve("state"), p -> p.configFile(conf));

        assertThat(server.get("/shop/orders?item=tea").body())
                .isEqualTo("1 orders, last tea, in H2 through com.zaxxer.hikari.HikariDataSource");
        assertThat(server.get("/shop/orders?item=toast").body()).startsWith("2 orders, last toast, in H2");
        assertThat(server.get("/shop/lookup").body()).isEqualTo("the injected pool");
        assertThat(server.get("/shop/mapped").body()).isEqualTo("jdbc/shop by its mapped name, bound at its own");
        assertThat(server.get("/shop/xml").body()).isEqualTo("jdbc/orders is jdbc/shop");
        assertThat(server.get("/shop/exhaust").body()).isEqualTo("3 connections, then SQLTransientConnectionException");
        assertThat(server.get("/shop/orders?item=jam").body()).startsWith("3 orders");
    }

    @Test
    void the_driver_may_come_from_the_apps_jars_in_the_config() throws Exception {
        shop().buildWar(dir.resolve("shop.war"));
        Files.write(dir.resolve("h2-driver.jar"), h2());
        Path conf = config("""
                  { war = shop.war, jars = [h2-driver.jar], resources { jdbc/shop { type = datasource, url = "jdbc:h2:mem:jars", driver = org.h2.Driver } } }""");
        server = TestServer.start(dir.resolve("state"), p -> p.configFile(conf));

        assertThat(server.get("/shop/orders?item=tea").body()).startsWith("1 orders, last tea, in H2");
    }

    @Test
    void a_pool_closes_when_its_app_stops_and_on_redeploy_only_after_the_new_one_is_up() throws Exception {
        shop().lib("h2.jar", h2()).buildWar(dir.resolve("shop.war"));
        Path conf = config("""
                  { war = shop.war, resources { "jdbc/shop" { type = datasource, url = "jdbc:h2:mem:shop", pool { min-idle = 1 } } } }""");
        server = TestServer.start(dir.resolve("state"), p -> p.configFile(conf));
        assertThat(server.get("/shop/orders?item=tea").statusCode()).isEqualTo(200);
        DataSource first = (DataSource) System.getProperties().get(HANDED_OVER);
        AppSpec app = server.container().plan().apps().get(0);

        server.container().redeploy(app);

        assertThat(System.getProperties().get(OLD_OPEN_AT_START)).isEqualTo("yes");
        assertThatThrownBy(() -> first.getConnection().close()).isInstanceOf(SQLException.class);
        assertThat(server.get("/shop/orders?item=toast").body()).startsWith("1 orders, last toast");
        DataSource second = (DataSource) System.getProperties().get(HANDED_OVER);
        try (Connection c = second.getConnection()) {
            assertThat(c.isValid(1)).isTrue();
        }

        server.close();
        server = null;

        assertThatThrownBy(() -> second.getConnection().close()).isInstanceOf(SQLException.class);
    }

    @Test
    void a_stopped_app_with_a_driver_leaves_no_class_loader_behind() throws Exception {
        shop().lib("h2.jar", h2()).buildWar(dir.resolve("shop.war"));
        Path conf = config("""
                  { war = shop.war, resources { "jdbc/shop" { type = datasource, url = "jdbc:h2:mem:leak", pool { min-idle = 1 } } } }""");
        server = TestServer.start(dir.resolve("state"), p -> p.configFile(conf));
        assertThat(server.get("/shop/orders?item=tea").statusCode()).isEqualTo(200);
        WeakReference<ClassLoader> appLoader;
        try (Connection c = ((DataSource) System.getProperties().remove(HANDED_OVER)).getConnection()) {
            appLoader = new WeakReference<>(c.unwrap(Connection.class).getClass().getClassLoader());
        }
        assertThat(appLoader.get()).isNotNull().isNotSameAs(getClass().getClassLoader());

        server.close();
        server = null;

        for (int i = 0; i < 50 && appLoader.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(appLoader.get()).as("the app's class loader after stop").isNull();
    }

    @Test
    void a_reference_nothing_satisfies_fails_the_app_with_one_line_naming_the_name_and_where_to_add_it()
            throws Exception {
        shop().lib("h2.jar", h2()).buildWar(dir.resolve("shop.war"));
        Path conf = config("""
                  { war = shop.war, path = /shop }""");
        try (var log = LogCapture.start()) {
            server = TestServer.start(dir.resolve("state"), p -> p.configFile(conf));

            assertThat(server.get("/shop/orders").statusCode()).isEqualTo(503);
            assertThat(log.errors()).singleElement().asString().isEqualTo("app /shop failed to start, answering 503: shop:"
                    + " resource \"jdbc/shop\" (@Resource on field shop.Exhaust.ds) is not configured; add resources"
                    + " { \"jdbc/shop\" { type = datasource, url = \"jdbc:...\" } } to the app at " + conf + ":2");
        }
    }

    @Test
    void a_web_xml_resource_ref_nothing_satisfies_fails_an_app_from_the_command_line_saying_it_needs_a_config_file()
            throws Exception {
        Path war = new WarBuilder()
                .file("WEB-INF/web.xml", """
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <resource-ref>
                            <res-ref-name>jdbc/orders</res-ref-name>
                            <res-type>javax.sql.DataSource</res-type>
                          </resource-ref>
                        </web-app>
                        """)
                .buildWar(dir.resolve("plain.war"));
        try (var log = LogCapture.start()) {
            server = TestServer.start(dir.resolve("state"), p -> p.war(war.toString()));

            assertThat(server.get("/plain/").statusCode()).isEqualTo(503);
            assertThat(log.errors()).singleElement().asString()
                    .contains("plain: resource \"jdbc/orders\" (resource-ref at plain.war!/WEB-INF/web.xml:2) is not configured;"
                            + " the app comes from the command line: deploy it from a config file (--config)");
        }
    }

    @Test
    void a_url_no_driver_of_the_app_accepts_fails_the_app_naming_the_resource_and_its_line() throws Exception {
        shop().buildWar(dir.resolve("shop.war"));
        Path conf = config("""
                  { war = shop.war, resources { "jdbc/shop" { type = datasource, url = "jdbc:h2:mem:nodriver", password = "s3cret" } } }""");
        try (var log = LogCapture.start()) {
            server = TestServer.start(dir.resolve("state"), p -> p.configFile(conf));

            assertThat(server.get("/shop/orders").statusCode()).isEqualTo(503);
            assertThat(log.errors()).singleElement().asString().contains("shop: " + conf + ":2: resources \"jdbc/shop\":"
                    + " no JDBC driver for jdbc:h2: URLs in the app's WEB-INF/lib or its jars");
            assertThat(log.all()).noneMatch(line -> line.contains("s3cret"));
        }
    }
}
