package samples.servlet;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Async servlet: answers after ?delay=ms on a timer thread, without holding a request thread. */
@WebServlet(urlPatterns = "/async", asyncSupported = true)
public class AsyncServlet extends HttpServlet {
    private ScheduledExecutorService timer;

    @Override
    public void init() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sample-async-timer");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
        long delay = Long.parseLong(req.getParameter("delay") == null ? "10" : req.getParameter("delay"));
        var async = req.startAsync();
        async.setTimeout(delay + 30_000);
        timer.schedule(() -> {
            try {
                var response = async.getResponse();
                response.setContentType("text/plain;charset=UTF-8");
                response.getWriter().print("async done after " + delay + "ms");
            } catch (Exception e) {
                req.getServletContext().log("async write failed", e);
            } finally {
                async.complete();
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
