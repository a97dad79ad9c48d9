package samples.servlet;

import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.annotation.WebListener;
import java.util.concurrent.atomic.AtomicLong;

/** An annotated request listener: counts the requests the app has seen. */
@WebListener
public class RequestCounter implements ServletRequestListener {
    static final String ATTRIBUTE = "request-count";

    @Override
    public void requestInitialized(ServletRequestEvent event) {
        var context = event.getServletContext();
        synchronized (context) {
            var count = (AtomicLong) context.getAttribute(ATTRIBUTE);
            if (count == null) {
                count = new AtomicLong();
                context.setAttribute(ATTRIBUTE, count);
            }
            count.incrementAndGet();
        }
    }
}
