package samples.servlet;

import jakarta.servlet.annotation.WebInitParam;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Found by annotation scanning; shows its init-param, a context-param and the listener's attribute. */
@WebServlet(urlPatterns = "/hello", initParams = @WebInitParam(name = "greeting", value = "Hello"))
public class HelloServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        var context = getServletContext();
        resp.getWriter().printf("%s from %s%nstarted-by=%s%necho-loaded-on-startup=%s%nrequests=%s%n",
                getInitParameter("greeting"),
                context.getInitParameter("site-name"),
                context.getAttribute("started-by"),
                context.getAttribute("echo-loaded-on-startup"),
                context.getAttribute(RequestCounter.ATTRIBUTE));
    }
}
