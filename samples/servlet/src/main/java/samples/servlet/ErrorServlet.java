package samples.servlet;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The error page for exceptions (web.xml): reports what the container passed to it. */
public class ErrorServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().printf("error page: %s status=%s%n",
                req.getAttribute(RequestDispatcher.ERROR_EXCEPTION_TYPE),
                req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE));
    }
}
