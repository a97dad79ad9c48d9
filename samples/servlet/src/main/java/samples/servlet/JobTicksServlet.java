package samples.servlet;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;

/** How often the container's scheduler ran {@link JobTick} in this app, and when last. */
@WebServlet("/job-ticks")
public class JobTicksServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        Instant last = JobTick.LAST.get();
        resp.getWriter().println("job ticks: " + JobTick.RUNS.get() + (last == null ? "" : ", last at " + last));
    }
}
