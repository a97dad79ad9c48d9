package samples.spring;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** GET /api/info: the same facts as the page, as JSON written by Jackson. */
@RestController
public class ApiController {
    @GetMapping("/api/info")
    public AppInfo info(HttpServletRequest request) {
        return AppInfo.of(request);
    }
}
