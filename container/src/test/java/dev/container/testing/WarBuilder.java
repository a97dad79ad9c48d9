package dev.container.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Builds small WARs (and library jars) for tests from Java source text, compiled in memory with
 * the JDK's compiler against the test class path. Lets a test make an app that fails to start,
 * or two apps with a class of the same name, without a Maven module for each.
 */
public final class WarBuilder {
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private final List<Path> classpath = new ArrayList<>();

    /** A class of the app, compiled into WEB-INF/classes (or the jar's root for {@link #buildJar}). */
    public WarBuilder java(String className, String source) {
        sources.put(className, source);
        return this;
    }

    /**
     * A jar the classes compile against, before the test class path (which it may shadow), left
     * out of the WAR: an API the server provides, such as javax.servlet-api for a Java EE 8 app.
     */
    public WarBuilder compileAgainst(Path jar) {
        classpath.add(jar);
        return this;
    }

    /** Any other entry, e.g. "WEB-INF/web.xml" or "index.html". */
    public WarBuilder file(String path, String content) {
        return file(path, content.getBytes(StandardCharsets.UTF_8));
    }

    public WarBuilder file(String path, byte[] content) {
        entries.put(path, content);
        return this;
    }

    /** Adds a library jar at WEB-INF/lib/{name}. */
    public WarBuilder lib(String name, byte[] jar) {
        return file("WEB-INF/lib/" + name, jar);
    }

    public Path buildWar(Path file) throws IOException {
        Files.write(file, zip("WEB-INF/classes/"));
        return file;
    }

    public byte[] buildJar() throws IOException {
        return zip("");
    }

    private byte[] zip(String classPrefix) throws IOException {
        Map<String, byte[]> all = new LinkedHashMap<>(entries);
        compile().forEach((name, bytes) -> all.put(classPrefix + name.replace('.', '/') + ".class", bytes));
        var out = new ByteArrayOutputStream();
        try (var jar = new JarOutputStream(out)) {
            for (var e : all.entrySet()) {
                jar.putNextEntry(new JarEntry(e.getKey()));
                jar.write(e.getValue());
                jar.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private Map<String, byte[]> compile() {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        if (sources.isEmpty()) {
            return classes;
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        var diagnostics = new DiagnosticCollector<JavaFileObject>();
        var standard = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8);
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((name, text) -> units.add(new SimpleJavaFileObject(
                URI.create("string:///" + name.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return text;
            }
        }));
        JavaFileManager manager = new ForwardingJavaFileManager<>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                       FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + ".class"), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return new ByteArrayOutputStream() {
                            @Override
                            public void close() {
                                classes.put(className, toByteArray());
                            }
                        };
                    }
                };
            }
        };
        List<String> path = new ArrayList<>();
        classpath.forEach(jar -> path.add(jar.toString()));
        path.add(System.getProperty("java.class.path"));
        List<String> options = List.of("--release", "17", "-classpath", String.join(java.io.File.pathSeparator, path));
        boolean ok = compiler.getTask(null, manager, diagnostics, options, null, units).call();
        if (!ok) {
            throw new IllegalStateException("test app does not compile: " + diagnostics.getDiagnostics());
        }
        return classes;
    }

    /** The bytes of a jar on the test class path that holds {@code type}, e.g. the servlet API. */
    public static byte[] jarOf(Class<?> type) throws IOException {
        try {
            return Files.readAllBytes(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }
}
