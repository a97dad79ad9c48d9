package dev.container.deploy;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Servlets, filters and listeners that test descriptors name by class. */
public final class TestComponents {
    private TestComponents() {}

    /** Greets with its "greeting" init-param and the context's "site" param. */
    public static class HelloServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().print(getInitParameter("greeting") + " from " + getServletContext().getInitParameter("site")
                    + ", started=" + getServletContext().getAttribute("started"));
        }
    }

    /** Starts a session and reports its timeout in seconds. */
    public static class SessionServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().print("timeout " + req.getSession(true).getMaxInactiveInterval());
        }
    }

    /** Throws {@link AppException} on every request. */
    public static class BoomServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            throw new AppException();
        }
    }

    /** An error page: says what brought the request here. */
    public static class ErrorServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            Object exception = req.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
            resp.getWriter().print("error page: status " + req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE)
                    + (exception == null ? "" : ", " + exception.getClass().getSimpleName()));
        }
    }

    /** Adds an X-Stamp header with its "stamp" init-param. */
    public static class StampFilter implements Filter {
        private String stamp;

        @Override
        public void init(FilterConfig config) {
            stamp = config.getInitParameter("stamp");
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
                throws IOException, ServletException {
            ((HttpServletResponse) resp).addHeader("X-Stamp", stamp);
            chain.doFilter(req, resp);
        }
    }

    /** Marks the context as started. */
    public static class StartupListener implements ServletContextListener {
        @Override
        public void contextInitialized(ServletContextEvent sce) {
            sce.getServletContext().setAttribute("started", "yes");
        }
    }

    public static class AppException extends RuntimeException {}

    public static class NotAServlet {}
}
