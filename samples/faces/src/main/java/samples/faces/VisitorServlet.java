package samples.faces;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A plain servlet with a CDI bean injected: Weld's Undertow extension (in weld-servlet-shaded)
 * makes the container create servlets through Weld, as its Tomcat integration does through
 * Tomcat's InstanceManager. Answers the session's greetings as JSON.
 */
@WebServlet("/api/visitor")
public class VisitorServlet extends HttpServlet {
    @Inject
    Visitor visitor;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().print("{\"framework\":\"faces\",\"greetings\":" + visitor.getCount()
                + ",\"classLoader\":\"" + getClass().getClassLoader().getName()
                + "\",\"contextPath\":\"" + request.getContextPath() + "\"}");
    }
}
