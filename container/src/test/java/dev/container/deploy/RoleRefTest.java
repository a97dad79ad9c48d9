package dev.container.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A servlet's security-role-refs (the role name its code asks isUserInRole about, linked to an
 * application role), its run-as role, from web.xml and from {@code @RunAs}, and roles declared with
 * {@code @DeclareRoles}, which an auth-constraint of "*" (any declared role) then admits.
 */
class RoleRefTest {
    @TempDir
    static Path state;
    @TempDir
    static Path files;
    static TestServer server;

    /** Prints what the servlet's code sees: isUserInRole of three names, and its run-as role. */
    private static String check(String className, String annotations) {
        return """
                package roles;
                %s
                public class %s extends jakarta.servlet.http.HttpServlet {
                    protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                         jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                        resp.getWriter().print("chief=" + req.isUserInRole("chief") + " boss=" + req.isUserInRole("boss")
                                + " staff=" + req.isUserInRole("staff") + " run-as="
                                + getServletContext().getServletRegistration(getServletName()).getRunAsRole());
                    }
                }
                """.formatted(annotations, className);
    }

    @BeforeAll
    static void start() throws Exception {
        Path war = new WarBuilder()
                .java("roles.Check", check("Check", ""))
                .java("roles.Annotated", check("Annotated", """
                        @jakarta.servlet.annotation.WebServlet(name = "annotated", urlPatterns = "/annotated")
                        @jakarta.annotation.security.RunAs("robot")
                        @jakarta.annotation.security.DeclareRoles("auditor")"""))
                .file("WEB-INF/web.xml", """
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <servlet>
                            <servlet-name>check</servlet-name>
                            <servlet-class>roles.Check</servlet-class>
                            <run-as><role-name>system</role-name></run-as>
                            <security-role-ref><role-name>chief</role-name><role-link>boss</role-link></security-role-ref>
                          </servlet>
                          <servlet-mapping><servlet-name>check</servlet-name><url-pattern>/check</url-pattern></servlet-mapping>
                          <servlet>
                            <servlet-name>annotated</servlet-name>
                            <security-role-ref><role-name>chief</role-name><role-link>staff</role-link></security-role-ref>
                          </servlet>
                          <security-constraint>
                            <web-resource-collection><web-resource-name>all</web-resource-name><url-pattern>/*</url-pattern></web-resource-collection>
                            <auth-constraint><role-name>*</role-name></auth-constraint>
                          </security-constraint>
                          <login-config><auth-method>BASIC</auth-method></login-config>
                          <security-role><role-name>staff</role-name></security-role>
                          <security-role><role-name>boss</role-name></security-role>
                          <security-role><role-name>system</role-name></security-role>
                        </web-app>
                        """)
                .buildWar(files.resolve("roles.war"));
        Path users = Files.writeString(files.resolve("users.properties"), """
                ann = secret, staff
                carl = secret, boss
                eve = secret, auditor
                dora = secret, visitor
                """);
        server = TestServer.start(state, p -> p.war(war.toString()).users(users));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_role_ref_links_the_name_the_code_asks_about_to_the_application_role() {
        assertThat(get("/roles/check", "carl").body()).isEqualTo("chief=true boss=true staff=false run-as=system");
        assertThat(get("/roles/check", "ann").body()).isEqualTo("chief=false boss=false staff=true run-as=system");
    }

    @Test
    void web_xml_role_refs_apply_to_an_annotated_servlet_and_run_as_comes_from_its_annotation() {
        assertThat(get("/roles/annotated", "ann").body()).isEqualTo("chief=true boss=false staff=true run-as=robot");
        assertThat(get("/roles/annotated", "carl").body()).isEqualTo("chief=false boss=true staff=false run-as=robot");
    }

    @Test
    void a_role_declared_only_by_declare_roles_is_one_of_the_roles_star_admits() {
        assertThat(get("/roles/check", "eve").statusCode()).isEqualTo(200);
        assertThat(get("/roles/check", "dora").statusCode()).isEqualTo(403);
    }

    private static HttpResponse<String> get(String path, String user) {
        String token = Base64.getEncoder().encodeToString((user + ":secret").getBytes(StandardCharsets.UTF_8));
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Basic " + token).build());
    }
}
