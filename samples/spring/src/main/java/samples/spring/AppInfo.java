package samples.spring;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.SpringVersion;

/** What the page and the JSON endpoint report: which framework answered, and from which app. */
public record AppInfo(String framework, String springVersion, String contextPath, String classLoader) {
    static AppInfo of(HttpServletRequest request) {
        return new AppInfo("spring-mvc", SpringVersion.getVersion(), request.getContextPath(),
                AppInfo.class.getClassLoader().getName());
    }
}
