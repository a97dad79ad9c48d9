package samples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.support.SpringBootServletInitializer;

/**
 * A Spring Boot app deployed as a WAR: the container's ServletContainerInitializer scan finds this
 * WebApplicationInitializer, and Boot builds its context inside the container's ServletContext
 * instead of starting an embedded server.
 */
@SpringBootApplication
public class BootApplication extends SpringBootServletInitializer {
    @Override
    protected SpringApplicationBuilder configure(SpringApplicationBuilder builder) {
        return builder.sources(BootApplication.class);
    }

    /** Boot's usual entry point, kept so the same code runs embedded; unused in a container. */
    public static void main(String[] args) {
        SpringApplication.run(BootApplication.class, args);
    }
}
