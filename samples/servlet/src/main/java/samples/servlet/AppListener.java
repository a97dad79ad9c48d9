package samples.servlet;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/** Declared in web.xml; logs start and stop through the container's log so shutdown can be observed. */
public class AppListener implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent event) {
        event.getServletContext().setAttribute("started-by", "web.xml listener");
        event.getServletContext().log("servlet sample: context initialized");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        event.getServletContext().log("servlet sample: context destroyed");
    }
}
