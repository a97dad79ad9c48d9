package samples.boot;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootVersion;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * GET /api/status as JSON. Its snake_case keys and its greeting come from application.properties,
 * so the answer shows that Boot read its configuration and auto-configured Jackson.
 */
@RestController
public class StatusController {
    private final String greeting;

    public StatusController(@Value("${sample.greeting}") String greeting) {
        this.greeting = greeting;
    }

    public record Status(String framework, String bootVersion, String greeting, String contextPath, String classLoader) {
    }

    @GetMapping("/api/status")
    public Status status(HttpServletRequest request) {
        return new Status("spring-boot", SpringBootVersion.getVersion(), greeting, request.getContextPath(),
                getClass().getClassLoader().getName());
    }
}
