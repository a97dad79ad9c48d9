package dev.container.deploy;

import io.undertow.servlet.api.ClassIntrospecter;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.InstanceFactory;
import io.undertow.servlet.api.ServletContainerInitializerInfo;
import io.undertow.servlet.api.ServletInfo;
import io.undertow.servlet.util.ImmediateInstanceHandle;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.jasper.servlet.JasperInitializer;
import org.apache.jasper.servlet.JspServlet;
import org.apache.tomcat.JarScanner;
import org.apache.tomcat.util.scan.StandardJarScanner;

/**
 * JSP for one application, through Apache Jasper as Jetty embeds it: Jasper's initializer scans
 * the TLDs of WEB-INF and of the jars in WEB-INF/lib, and its servlet ("jsp", on *.jsp and *.jspx)
 * compiles each page on its first request into {@code STATE/tmp/APP/jsp}, with Eclipse's JDT
 * compiler against the app's class loader. Only apps that have JSP pages (or {@code <jsp-file>}
 * servlets) get any of it, so the others pay nothing at start-up.
 * <p>
 * What the app declares wins: its own servlet named "jsp", its own mappings of *.jsp or *.jspx,
 * its welcome-file-list. Called once per deployment, before the app's initializers are added.
 */
final class JspEngine {
    static final String SERVLET_NAME = "jsp";
    private static final List<String> PATTERNS = List.of("*.jsp", "*.jspx");
    private static final String INDEX = "index.jsp";

    private JspEngine() {
    }

    /** What JSP needs to know of the app's files. */
    record Pages(boolean any, boolean index) {
    }

    /**
     * Looks for .jsp and .jspx files in the app's directories (WEB-INF included, for pages that
     * only forwards reach, but not WEB-INF/lib or WEB-INF/classes) and whether an index.jsp is
     * among them.
     */
    static Pages find(List<Path> roots) throws DeploymentError {
        boolean[] found = new boolean[2];
        for (Path root : roots) {
            Set<Path> skipped = Set.of(root.resolve("WEB-INF/lib"), root.resolve("WEB-INF/classes"));
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        return skipped.contains(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        String name = file.getFileName().toString();
                        if (attrs.isRegularFile() && (name.endsWith(".jsp") || name.endsWith(".jspx"))) {
                            found[0] = true;
                            found[1] |= name.equals(INDEX);
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                throw new DeploymentError("cannot list " + root + ": " + e.getMessage(), e);
            }
        }
        return new Pages(found[0], found[1]);
    }

    /**
     * Adds Jasper to {@code info}: its initializer (first, so the JSP factory is set before the
     * app's initializers run), the "jsp" servlet and mappings the app does not declare itself,
     * defaults for every JSP servlet, addJspFile support, and index.jsp as a welcome file if the
     * app uses the default list and has one.
     *
     * @param scratchDir where generated sources and classes go; created here
     */
    static void apply(DeploymentInfo info, WebDescriptor descriptor, Pages pages, Path scratchDir) throws DeploymentError {
        try {
            Files.createDirectories(scratchDir);
        } catch (IOException e) {
            throw new DeploymentError("cannot create " + scratchDir + ": " + e.getMessage(), e);
        }
        Map<String, String> options = Map.of(
                "scratchdir", scratchDir.toString(),
                // JDT, the compiler Jasper's default and Jetty's: it reads classes through the
                // app's class loader, so pages see exactly what the app sees.
                "compilerClassName", "org.apache.jasper.compiler.JDTCompiler",
                "compilerSourceVM", "17",
                "compilerTargetVM", "17",
                // Without it, for 4 s after a failed compile Jasper answers with the missing class
                // instead of the compile error; a page that does not compile is retried instead.
                "recompileOnFail", "true",
                "xpoweredBy", "false");
        info.addServletContextAttribute(JspPageServlet.OPTIONS_ATTRIBUTE, options);
        info.addServletContextAttribute(JarScanner.class.getName(), jarScanner());
        info.addServletContainerInitializer(new ServletContainerInitializerInfo(JasperInitializer.class, Set.of()));

        ServletInfo jsp = info.getServlets().get(SERVLET_NAME);
        if (jsp == null) {
            jsp = new ServletInfo(SERVLET_NAME, JspPageServlet.class);
            info.addServlet(jsp);
        } else {
            // The app's own "jsp" servlet (often Jasper's, with settings): it keeps its settings,
            // and compiles into the state directory unless it says where.
            for (var option : options.entrySet()) {
                if (!jsp.getInitParams().containsKey(option.getKey())) {
                    jsp.addInitParam(option.getKey(), option.getValue());
                }
            }
        }
        for (String pattern : PATTERNS) {
            if (!mapped(info, pattern)) {
                jsp.addMapping(pattern);
            }
        }
        info.setClassIntrospecter(new AddJspFileIntrospecter(info.getClassIntrospecter()));
        if (descriptor.welcomeFiles().isEmpty() && pages.index()) {
            // Only when an index.jsp exists: listed without one, Undertow would send every
            // directory request to the JSP servlet (a 404) instead of the app's own servlet at "/".
            info.addWelcomePage(INDEX);
        }
    }

    private static boolean mapped(DeploymentInfo info, String pattern) {
        return info.getServlets().values().stream().anyMatch(s -> s.getMappings().contains(pattern));
    }

    /**
     * Only WEB-INF/lib and WEB-INF/classes: the container's class path holds no tag libraries,
     * and walking it would cost every app start time.
     */
    private static JarScanner jarScanner() {
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanClassPath(false);
        scanner.setScanBootstrapClassPath(false);
        return scanner;
    }

    /**
     * Undertow's ServletContext.addJspFile adds a servlet of Jasper's class by name (and the page
     * in a request attribute); this hands out the container's subclass for it, which reads that
     * attribute. Everything else is left to the introspecter it wraps.
     */
    private record AddJspFileIntrospecter(ClassIntrospecter next) implements ClassIntrospecter {
        @Override
        @SuppressWarnings("unchecked")
        public <T> InstanceFactory<T> createInstanceFactory(Class<T> type) throws NoSuchMethodException {
            if (type == JspServlet.class) {
                return () -> new ImmediateInstanceHandle<>((T) new JspPageServlet(true));
            }
            return next.createInstanceFactory(type);
        }
    }
}
