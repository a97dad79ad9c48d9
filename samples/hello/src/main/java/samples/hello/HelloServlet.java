package samples.hello;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark's plaintext servlet: every GET answers the same 13 bytes of {@code text/plain}.
 * Stateless and thread-safe. Declared in web.xml rather than by annotation so that every server
 * finds it without an annotation scanner (plain Jetty has none unless jetty-ee10-annotations is added).
 */
public class HelloServlet extends HttpServlet {
    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.setContentLength(BODY.length);
        resp.getOutputStream().write(BODY);
    }
}
