package dev.container.deploy;

import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** env-entries of the config file, looked up by the app under java:comp/env. */
class EnvEntriesTest {
    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void each_app_looks_up_its_own_entries_with_their_types() throws Exception {
        Path war = new WarBuilder()
                .java("env.Lookup", """
                        package env;
                        @jakarta.servlet.annotation.WebServlet("/lookup")
                        public class Lookup extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                try {
                                    var env = (javax.naming.Context) new javax.naming.InitialContext().lookup("java:comp/env");
                                    Object value = env.lookup(req.getParameter("name"));
                                    resp.getWriter().print(value.getClass().getSimpleName() + ":" + value);
                                } catch (javax.naming.NameNotFoundException e) {
                                    resp.getWriter().print("not bound");
                                } catch (javax.naming.NamingException e) {
                                    resp.getWriter().print("failed: " + e);
                                }
                            }
                        }
                        """)
                .buildWar(dir.resolve("app.war"));
        Path conf = Files.writeString(dir.resolve("env.conf"), """
                apps = [
                  { war = app.war, path = /a, env-entries { greeting = hello, limit = 50, big = 5000000000, ratio = 0.5, on = true } }
                  { war = app.war, path = /b, env-entries { greeting = other } }
                ]
                """);
        server = TestServer.start(dir.resolve("state"), p -> p.configFile(conf));

        assertThat(server.get("/a/lookup?name=greeting").body()).isEqualTo("String:hello");
        assertThat(server.get("/a/lookup?name=limit").body()).isEqualTo("Integer:50");
        assertThat(server.get("/a/lookup?name=big").body()).isEqualTo("Long:5000000000");
        assertThat(server.get("/a/lookup?name=ratio").body()).isEqualTo("Double:0.5");
        assertThat(server.get("/a/lookup?name=on").body()).isEqualTo("Boolean:true");
        assertThat(server.get("/a/lookup?name=missing").body()).isEqualTo("not bound");
        assertThat(server.get("/b/lookup?name=greeting").body()).isEqualTo("String:other");
        assertThat(server.get("/b/lookup?name=limit").body()).isEqualTo("not bound");
    }
}
