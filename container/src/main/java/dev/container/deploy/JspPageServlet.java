package dev.container.deploy;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.jasper.JasperException;
import org.apache.jasper.servlet.JspServlet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jasper's {@link JspServlet} as the container runs it: the app's "jsp" servlet, each
 * {@code <jsp-file>} servlet of its web.xml, and each page an initializer adds with
 * {@code ServletContext.addJspFile}.
 * <ul>
 *   <li>Init parameters the servlet does not set come from {@link #OPTIONS_ATTRIBUTE} (the scratch
 *       directory under the state directory, the Java level pages compile for).</li>
 *   <li>A page that does not translate or compile answers 500 and logs one line naming the file
 *       and line, instead of a stack trace per request; errors a page throws while it runs go the
 *       usual way (error pages, a stack trace in the log).</li>
 *   <li>Undertow's addJspFile registers Jasper's class and passes the page in a request attribute
 *       Jasper 10 no longer reads ({@value #JSP_FILE_ATTRIBUTE_DEFAULT}); such an instance is
 *       created with {@code pageFromRequest} and initialises itself on its first request, with that
 *       page as its "jspFile", as a web.xml {@code <jsp-file>} servlet is.</li>
 * </ul>
 * Thread-safe as servlets must be; the deferred initialisation happens once, under a lock.
 */
final class JspPageServlet extends JspServlet {
    /** A context attribute: Map&lt;String, String&gt; of init parameters every JSP servlet of the app gets by default. */
    static final String OPTIONS_ATTRIBUTE = "dev.container.jsp.options";

    private static final String JSP_FILE_ATTRIBUTE_DEFAULT = "org.apache.catalina.jsp_file";
    /** Read as Undertow's addJspFile does. */
    private static final String JSP_FILE_ATTRIBUTE =
            System.getProperty("org.apache.jasper.Constants.JSP_FILE", JSP_FILE_ATTRIBUTE_DEFAULT);
    private static final String TRANSLATION_FRAME = "org.apache.jasper.compiler.ErrorDispatcher";
    private static final Pattern JAVAC_ERROR = Pattern.compile(
            "An error occurred at line: \\[(\\d+)\\] in the jsp file: \\[([^\\]]+)\\]\\R(.*)");
    private static final Pattern PARSE_ERROR = Pattern.compile(
            "^(\\S+) \\(line: \\[(\\d+)\\], column: \\[(\\d+)\\]\\) (.*)", Pattern.DOTALL);

    private static final Logger log = LoggerFactory.getLogger("dev.container.jsp");
    private static final long serialVersionUID = 1L;

    private final boolean pageFromRequest;
    private transient ServletConfig deferred;
    private volatile boolean initialised;

    JspPageServlet() {
        this(false);
    }

    JspPageServlet(boolean pageFromRequest) {
        this.pageFromRequest = pageFromRequest;
    }

    @Override
    public void init(ServletConfig config) throws ServletException {
        if (pageFromRequest && config.getInitParameter("jspFile") == null) {
            deferred = config;
            return;
        }
        start(withDefaults(config, null));
    }

    private void start(ServletConfig config) throws ServletException {
        try {
            // With a jspFile, Jasper compiles the page here; a page that does not compile is
            // reported by service() on each request, as for any other page.
            super.init(config);
        } catch (JasperException e) {
            if (translationError(e).isEmpty()) {
                throw e;
            }
        }
        initialised = true;
    }

    @Override
    public void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        if (!initialised) {
            startFromRequest(request);
        }
        try {
            super.service(request, response);
        } catch (ServletException e) {
            Optional<JasperException> translation = translationError(e);
            if (translation.isEmpty() || request.getDispatcherType() == DispatcherType.INCLUDE) {
                throw e;
            }
            log.error("app {}: {}", contextName(request.getServletContext()), describe(translation.get(), page(request)));
            if (!response.isCommitted()) {
                response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            }
        }
    }

    private synchronized void startFromRequest(HttpServletRequest request) throws ServletException {
        if (initialised) {
            return;
        }
        Object page = request.getAttribute(JSP_FILE_ATTRIBUTE);
        start(withDefaults(deferred, page instanceof String s ? s : null));
        deferred = null;
    }

    /** The page this request asks for, as Jasper's JspServlet works it out. */
    private String page(HttpServletRequest request) {
        String jspFile = getServletConfig() == null ? null : getServletConfig().getInitParameter("jspFile");
        if (jspFile != null) {
            return jspFile;
        }
        String path = request.getServletPath();
        String info = request.getPathInfo();
        return info == null ? path : path + info;
    }

    private static String contextName(ServletContext context) {
        return context.getContextPath().isEmpty() ? "/" : context.getContextPath();
    }

    /** {@code config} with the app's default JSP options it does not set, and a jspFile if given. */
    @SuppressWarnings("unchecked")
    private static ServletConfig withDefaults(ServletConfig config, String jspFile) {
        Map<String, String> params = new LinkedHashMap<>();
        Object defaults = config.getServletContext().getAttribute(OPTIONS_ATTRIBUTE);
        if (defaults instanceof Map<?, ?> map) {
            params.putAll((Map<String, String>) map);
        }
        for (String name : Collections.list(config.getInitParameterNames())) {
            params.put(name, config.getInitParameter(name));
        }
        if (jspFile != null) {
            params.put("jspFile", jspFile);
        }
        return new ServletConfig() {
            @Override
            public String getServletName() {
                return config.getServletName();
            }

            @Override
            public ServletContext getServletContext() {
                return config.getServletContext();
            }

            @Override
            public String getInitParameter(String name) {
                return params.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(params.keySet());
            }
        };
    }

    /**
     * The exception Jasper threw because a page (or a tag file it uses) does not translate or
     * compile, if that is what {@code e} is or wraps: such exceptions are made by Jasper's
     * ErrorDispatcher; ones a page throws while running are not.
     */
    static Optional<JasperException> translationError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JasperException jasper) {
                for (StackTraceElement frame : jasper.getStackTrace()) {
                    if (frame.getClassName().equals(TRANSLATION_FRAME)) {
                        return Optional.of(jasper);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * One line for the log: "/bad.jsp line 3: Syntax error, ..." from Jasper's several lines (the
     * message, the page's source around the error, "Stacktrace:"), each error of a page joined;
     * {@code page} names the page when the message does not (a taglib that cannot be found).
     */
    static String describe(JasperException e, String page) {
        // Jasper escapes its messages for an HTML error page: "Unterminated [&lt;c:forEach] tag".
        String message = e.getMessage() == null ? "" : e.getMessage()
                .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&");
        Matcher javac = JAVAC_ERROR.matcher(message);
        StringBuilder line = new StringBuilder();
        while (javac.find()) {
            line.append(line.isEmpty() ? "JSP " + javac.group(2) + " does not compile: " : "; ")
                    .append("line ").append(javac.group(1)).append(": ").append(javac.group(3).strip());
        }
        if (!line.isEmpty()) {
            return line.toString();
        }
        Matcher parse = PARSE_ERROR.matcher(message);
        if (parse.find()) {
            return "JSP " + parse.group(1) + " does not translate: line " + parse.group(2) + ", column "
                    + parse.group(3) + ": " + oneLine(parse.group(4));
        }
        return "JSP " + page + " does not translate: " + oneLine(message);
    }

    private static String oneLine(String text) {
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return lines.isEmpty() ? "" : String.join(" ", lines.subList(0, Math.min(lines.size(), 3)));
    }
}
