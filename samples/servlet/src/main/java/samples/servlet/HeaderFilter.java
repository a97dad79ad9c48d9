package samples.servlet;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Declared in web.xml for /* on REQUEST and ERROR dispatches; stamps each response with its init-param. */
public class HeaderFilter extends HttpFilter {
    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        resp.setHeader("X-Sample-Filter", getInitParameter("stamp") + ":" + req.getDispatcherType());
        chain.doFilter(req, resp);
    }
}
