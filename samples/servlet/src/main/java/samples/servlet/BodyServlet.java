package samples.servlet;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;

/** Reads the whole request body and says how many bytes it had (the probe suite posts to it). */
@WebServlet("/body")
public class BodyServlet extends HttpServlet {
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long n = req.getInputStream().transferTo(OutputStream.nullOutputStream());
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().printf("read %d bytes%n", n);
    }

    @Override
    protected void doPut(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        doPost(req, resp);
    }
}
