package dev.container.testing;

import java.nio.file.Path;

/** The apps the control API's and the commands' tests deploy, redeploy, stop and start. */
public final class ControlApps {
    private ControlApps() {
    }

    /**
     * Writes a WAR to file whose {@code /hello} answers text, {@code /status?code=N} answers status
     * N and {@code /slow?ms=N} answers after that long; its context path is the file's name.
     */
    public static Path hello(Path file, String text) throws Exception {
        return new WarBuilder()
                .java("control.Hello", """
                        package control;
                        @jakarta.servlet.annotation.WebServlet({"/hello", "/status", "/slow"})
                        public class Hello extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                switch (req.getServletPath()) {
                                    case "/status" -> resp.setStatus(Integer.parseInt(req.getParameter("code")));
                                    case "/slow" -> {
                                        try {
                                            Thread.sleep(Long.parseLong(req.getParameter("ms")));
                                        } catch (InterruptedException e) {
                                            Thread.currentThread().interrupt();
                                        }
                                        resp.getWriter().print("slow");
                                    }
                                    default -> resp.getWriter().print("%s");
                                }
                            }
                        }
                        """.formatted(text))
                .buildWar(file);
    }

    /** Writes a WAR to file whose listener throws "no database at db.example:5432": it fails to start. */
    public static Path broken(Path file) throws Exception {
        return new WarBuilder()
                .java("control.Boom", """
                        package control;
                        @jakarta.servlet.annotation.WebListener
                        public class Boom implements jakarta.servlet.ServletContextListener {
                            public void contextInitialized(jakarta.servlet.ServletContextEvent e) {
                                throw new IllegalStateException("no database at db.example:5432");
                            }
                        }
                        """)
                .buildWar(file);
    }
}
