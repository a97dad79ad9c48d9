package dev.container.deploy;

import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.resource.PathResourceManager;
import io.undertow.server.handlers.resource.Resource;
import io.undertow.server.handlers.resource.ResourceChangeListener;
import io.undertow.server.handlers.resource.ResourceManager;
import io.undertow.util.ETag;
import io.undertow.util.MimeMappings;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * An application's files: the WAR's own, then the {@code META-INF/resources} of each jar in
 * WEB-INF/lib (Servlet 6.0 §4.6), as one Undertow {@link ResourceManager}. The WAR's files win
 * over the jars', and a directory present in several lists the children of all.
 * <p>
 * Each jar's {@code META-INF/resources} is unpacked into {@code STATE/resources/APP/JAR/} (reused
 * while the jar is unchanged), so everything that reads resources (the default servlet with
 * ranges and zero-copy sends, getRealPath, Jasper compiling a JSP kept in a jar) sees plain files.
 * Thread-safe once built.
 */
final class WebResources implements ResourceManager {
    private static final String PREFIX = "META-INF/resources/";

    private final Path root;
    private final List<Path> libraryRoots;
    private final List<PathResourceManager> managers;

    private WebResources(Path root, List<Path> libraryRoots) {
        this.root = root;
        this.libraryRoots = List.copyOf(libraryRoots);
        List<PathResourceManager> all = new ArrayList<>();
        all.add(new PathResourceManager(root));
        libraryRoots.forEach(r -> all.add(new PathResourceManager(r)));
        this.managers = List.copyOf(all);
    }

    /**
     * The files of the app unpacked at {@code root}, with the {@code META-INF/resources} of
     * {@code jars} unpacked under {@code unpackDir} (what is there for jars no longer in the app
     * is removed).
     */
    static WebResources of(Path root, List<Path> jars, Path unpackDir) throws DeploymentError {
        List<Path> libraryRoots = new ArrayList<>();
        Set<String> kept = new HashSet<>();
        for (Path jar : jars) {
            String name = jar.getFileName().toString();
            if (hasResources(jar)) {
                libraryRoots.add(WarUnpacker.unpack(jar, unpackDir, name, PREFIX));
                kept.add(name);
            }
        }
        removeOthers(unpackDir, kept);
        return new WebResources(root, libraryRoots);
    }

    /** The WAR's own directory. */
    Path root() {
        return root;
    }

    /** The unpacked {@code META-INF/resources} of the library jars that have one, in jar order. */
    List<Path> libraryRoots() {
        return libraryRoots;
    }

    /** Every directory files are served from: the WAR's, then the jars'. */
    List<Path> roots() {
        List<Path> all = new ArrayList<>();
        all.add(root);
        all.addAll(libraryRoots);
        return all;
    }

    @Override
    public Resource getResource(String path) throws IOException {
        List<Resource> directories = new ArrayList<>();
        for (PathResourceManager manager : managers) {
            Resource resource = manager.getResource(path);
            if (resource == null) {
                continue;
            }
            if (!resource.isDirectory()) {
                if (directories.isEmpty()) {
                    return resource;
                }
                continue;
            }
            directories.add(resource);
        }
        if (directories.isEmpty()) {
            return null;
        }
        return directories.size() == 1 ? directories.get(0) : new MergedDirectory(directories);
    }

    @Override
    public boolean isResourceChangeListenerSupported() {
        return false;
    }

    @Override
    public void registerResourceChangeListener(ResourceChangeListener listener) {
        throw new UnsupportedOperationException("no change listeners on an application's resources");
    }

    @Override
    public void removeResourceChangeListener(ResourceChangeListener listener) {
        throw new UnsupportedOperationException("no change listeners on an application's resources");
    }

    @Override
    public void close() throws IOException {
        for (PathResourceManager manager : managers) {
            manager.close();
        }
    }

    private static boolean hasResources(Path jar) throws DeploymentError {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().anyMatch(e -> !e.isDirectory() && e.getName().startsWith(PREFIX));
        } catch (IOException e) {
            throw new DeploymentError("WEB-INF/lib/" + jar.getFileName() + " is not a readable jar (" + e.getMessage() + ")", e);
        }
    }

    private static void removeOthers(Path unpackDir, Set<String> kept) throws DeploymentError {
        if (!Files.isDirectory(unpackDir)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(unpackDir)) {
            dirs.filter(d -> !kept.contains(d.getFileName().toString())).forEach(WarUnpacker::deleteTree);
        } catch (IOException e) {
            throw new DeploymentError("cannot list " + unpackDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * A directory found in several roots: itself the first one (the WAR's, when it has it), its
     * listing the union of all, a name in an earlier root hiding the same name in a later one.
     */
    private record MergedDirectory(List<Resource> parts) implements Resource {
        private Resource first() {
            return parts.get(0);
        }

        @Override
        public List<Resource> list() {
            List<Resource> children = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (Resource part : parts) {
                for (Resource child : part.list()) {
                    if (seen.add(child.getName())) {
                        children.add(child);
                    }
                }
            }
            return children;
        }

        @Override
        public String getPath() {
            return first().getPath();
        }

        @Override
        public Date getLastModified() {
            return first().getLastModified();
        }

        @Override
        public String getLastModifiedString() {
            return first().getLastModifiedString();
        }

        @Override
        public ETag getETag() {
            return first().getETag();
        }

        @Override
        public String getName() {
            return first().getName();
        }

        @Override
        public boolean isDirectory() {
            return true;
        }

        @Override
        public String getContentType(MimeMappings mimeMappings) {
            return first().getContentType(mimeMappings);
        }

        @Override
        public void serve(Sender sender, HttpServerExchange exchange, IoCallback completionCallback) {
            first().serve(sender, exchange, completionCallback);
        }

        @Override
        public Long getContentLength() {
            return first().getContentLength();
        }

        @Override
        public String getCacheKey() {
            return first().getCacheKey();
        }

        @Override
        public File getFile() {
            return first().getFile();
        }

        @Override
        public Path getFilePath() {
            return first().getFilePath();
        }

        @Override
        public File getResourceManagerRoot() {
            return first().getResourceManagerRoot();
        }

        @Override
        public Path getResourceManagerRootPath() {
            return first().getResourceManagerRootPath();
        }

        @Override
        public URL getUrl() {
            return first().getUrl();
        }
    }
}
