package samples.spring;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** GET /hello renders the Thymeleaf view WEB-INF/templates/hello.html. */
@Controller
public class HomeController {
    @GetMapping("/hello")
    public String hello(@RequestParam(defaultValue = "world") String name, HttpServletRequest request, Model model) {
        model.addAttribute("name", name);
        model.addAttribute("info", AppInfo.of(request));
        return "hello";
    }
}
