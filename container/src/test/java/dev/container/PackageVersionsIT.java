package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.ContainerProcess;
import dev.container.testing.WarBuilder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Jakarta API packages' versions as a deployed app reads them from the packaged jar, as
 * libraries do to find out what the container supports (as they would from Tomcat's
 * servlet-api.jar): {@code Package.getSpecificationVersion()} and the title and implementation
 * version, for Servlet, JSP, EL, WebSocket and Annotations.
 */
class PackageVersionsIT {
    @TempDir
    Path dir;

    @Test
    void a_deployed_app_reads_the_api_versions_the_api_jars_declare() throws Exception {
        Path war = new WarBuilder()
                .java("app.Versions", """
                        package app;
                        @jakarta.servlet.annotation.WebServlet("/versions")
                        public class Versions extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                    jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                var out = resp.getWriter();
                                for (Class<?> c : new Class<?>[] {jakarta.servlet.Servlet.class, jakarta.servlet.http.HttpServlet.class,
                                        jakarta.servlet.annotation.WebServlet.class, jakarta.servlet.jsp.JspPage.class,
                                        jakarta.el.ELContext.class, jakarta.websocket.Session.class,
                                        jakarta.websocket.server.ServerEndpoint.class, jakarta.annotation.PostConstruct.class}) {
                                    Package p = c.getPackage();
                                    out.println(p.getName() + " " + p.getSpecificationTitle() + "|" + p.getSpecificationVersion()
                                            + "|" + p.getImplementationVersion());
                                }
                                out.println("servlet context " + getServletContext().getMajorVersion() + "."
                                        + getServletContext().getMinorVersion());
                            }
                        }
                        """)
                .buildWar(dir.resolve("versions.war"));
        try (var container = ContainerProcess.start("run", "--listen", "127.0.0.1:0", "--war", war + ":/v",
                "--state", dir.resolve("state").toString())) {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(container.url("http").resolve("/v/versions")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body().lines()).containsExactly(
                    "jakarta.servlet Jakarta Servlet|6.0|6.0.0",
                    "jakarta.servlet.http Jakarta Servlet|6.0|6.0.0",
                    "jakarta.servlet.annotation Jakarta Servlet|6.0|6.0.0",
                    "jakarta.servlet.jsp Jakarta Server Pages|3.1|3.1.1",
                    "jakarta.el Jakarta Expression Language|5.0|5.0.1",
                    "jakarta.websocket Jakarta WebSocket|2.1|2.1.0",
                    "jakarta.websocket.server Jakarta WebSocket|2.1|2.1.0",
                    "jakarta.annotation Jakarta Annotations|2.1|2.1.1",
                    "servlet context 6.0");
        }
    }
}
