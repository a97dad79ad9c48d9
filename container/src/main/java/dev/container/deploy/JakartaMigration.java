package dev.container.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.tomcat.jakartaee.EESpecProfiles;
import org.apache.tomcat.jakartaee.Migration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WARs built for javax.servlet, migrated to jakarta.* with Apache Tomcat's own migration library
 * and its Tomcat profile (the Servlet, JSP, EL, WebSocket, annotation, EJB, JPA, JTA and mail
 * packages), as Tomcat does for the WARs in its {@code webapps-javaee}; never our own bytecode
 * rewriting. The copies are cached in one directory ({@code STATE/migrated}):
 * <ul>
 * <li>{@code SHA256.war}: the migrated copy of a WAR whose content has that SHA-256. Written into
 * {@code tmp/}, then renamed into place: a crash never leaves half a copy in use.</li>
 * <li>{@code NAME.source}: the copy app NAME used last, with the path, size and modification time of
 * the WAR it came from, so a start with an unchanged WAR finds the copy without reading the WAR
 * again (as fast as a Jakarta WAR's).</li>
 * </ul>
 * A copy no app's {@code NAME.source} names any more (the app's WAR changed) is deleted when an app
 * records another one; the copies of apps removed from the configuration stay until the directory
 * is deleted, which is always safe. Migrations run one at a time (rare, and busy on the CPU);
 * thread-safe. Not safe for two processes on one state directory, as {@link WarUnpacker} is not.
 */
final class JakartaMigration {
    private static final Logger log = LoggerFactory.getLogger(JakartaMigration.class);
    private static final Object ONE_AT_A_TIME = new Object();
    private static final String SOURCE = ".source";
    /** Where copies and records are written before they are renamed into place. */
    private static final String TEMP = "tmp";
    private static final Pattern COPY = Pattern.compile("[0-9a-f]{64}\\.war");

    private final Path dir;

    /** @param dir where the copies live ({@code STATE/migrated}); created on first use */
    JakartaMigration(Path dir) {
        this.dir = dir;
    }

    /** A migrated WAR, and how long its migration took (empty when it came from the cache). */
    record Migrated(Path war, Optional<Duration> took) {
    }

    /**
     * The migrated copy app appName used last, if its WAR is unchanged since (same path, size and
     * modification time) and the copy is still there; empty otherwise, or when in doubt.
     */
    Optional<Path> cached(String appName, Path war) {
        Path source = dir.resolve(appName + SOURCE);
        try {
            if (!Files.isRegularFile(source)) {
                return Optional.empty();
            }
            String recorded = Files.readString(source);
            int newline = recorded.indexOf('\n');
            if (newline < 0 || !recorded.substring(newline + 1).equals(WarUnpacker.stampOf(war))) {
                return Optional.empty();
            }
            Path copy = dir.resolve(recorded.substring(0, newline) + ".war");
            return Files.isRegularFile(copy) ? Optional.of(copy) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            log.debug("{}: {} unreadable, looking at the WAR itself: {}", appName, source, e.toString());
            return Optional.empty();
        }
    }

    /**
     * The jakarta.* copy of war: the cached one of the same content, or one migrated now. Records
     * it as app appName's ({@link #cached}). A WAR the library cannot migrate (a corrupt class or
     * archive inside) is a {@link DeploymentError} naming the WAR, and leaves nothing behind.
     */
    Migrated migrate(String appName, Path war) throws DeploymentError {
        synchronized (ONE_AT_A_TIME) {
            try {
                Files.createDirectories(dir.resolve(TEMP));
                String sha = sha256(war);
                Path copy = dir.resolve(sha + ".war");
                Optional<Duration> took = Optional.empty();
                if (!Files.isRegularFile(copy)) {
                    long began = System.nanoTime();
                    convert(appName, war, copy);
                    took = Optional.of(Duration.ofNanos(System.nanoTime() - began));
                }
                record(appName, sha, war);
                removeUnused();
                return new Migrated(copy, took);
            } catch (IOException e) {
                throw new DeploymentError(appName + ": cannot migrate " + war + " to jakarta.* in " + dir + ": "
                        + e.getMessage(), e);
            }
        }
    }

    private void convert(String appName, Path war, Path copy) throws DeploymentError, IOException {
        Path temp = Files.createTempFile(dir.resolve(TEMP), "migrated-", ".war");
        Path named = null;
        try {
            Path source = war;
            String name = war.getFileName().toString();
            if (!name.endsWith(".war") && !name.endsWith(".jar") && !name.endsWith(".zip")) {
                // The library tells an archive from a plain file by its name: a WAR called "shop"
                // would be copied through unchanged.
                named = Files.createTempFile(dir.resolve(TEMP), "source-", ".war");
                Files.copy(war, named, StandardCopyOption.REPLACE_EXISTING);
                source = named;
            }
            Migration migration = new Migration();
            migration.setEESpecProfile(EESpecProfiles.TOMCAT);
            migration.setSource(source.toFile());
            migration.setDestination(temp.toFile());
            migration.execute();
            move(temp, copy);
        } catch (IOException | RuntimeException e) {
            // BCEL reports a class file it cannot parse with a RuntimeException (ClassFormatException).
            throw new DeploymentError(appName + ": cannot migrate " + war + " from javax.* to jakarta.* (Apache"
                    + " Tomcat's migration tool): " + WarDeployment.describe(e), e);
        } finally {
            Files.deleteIfExists(temp);
            if (named != null) {
                Files.deleteIfExists(named);
            }
        }
    }

    /** Writes NAME.source into tmp/ and renames it into place, so a reader never sees half of one. */
    private void record(String appName, String sha, Path war) throws IOException {
        Path temp = Files.createTempFile(dir.resolve(TEMP), "source-", SOURCE);
        try {
            Files.writeString(temp, sha + "\n" + WarUnpacker.stampOf(war));
            move(temp, dir.resolve(appName + SOURCE));
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Deletes the copies no NAME.source names, and temporary files a crash left (migrations run one
     * at a time, so none is in use now).
     */
    private void removeUnused() throws IOException {
        Set<String> used = new HashSet<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.toList();
        }
        for (Path file : files) {
            if (file.getFileName().toString().endsWith(SOURCE)) {
                String recorded = Files.readString(file);
                used.add(recorded.substring(0, Math.max(0, recorded.indexOf('\n'))) + ".war");
            }
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (COPY.matcher(name).matches() && !used.contains(name)) {
                log.debug("removing {}: no app uses it", file);
                Files.deleteIfExists(file);
            }
        }
        try (Stream<Path> leftovers = Files.list(dir.resolve(TEMP))) {
            for (Path file : (Iterable<Path>) leftovers::iterator) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
