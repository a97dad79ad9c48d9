package samples.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Declared in web.xml with an init-param and load-on-startup; mapped at /echo/*. */
public class EchoServlet extends HttpServlet {
    private volatile boolean initialized;

    @Override
    public void init() {
        initialized = true;
        getServletContext().setAttribute("echo-loaded-on-startup", Boolean.TRUE);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().printf("method=%s%npath-info=%s%nmode=%s%ninitialized=%s%n",
                req.getMethod(), req.getPathInfo(), getInitParameter("mode"), initialized);
    }
}
