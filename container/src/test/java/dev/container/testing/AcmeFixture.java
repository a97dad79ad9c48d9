package dev.container.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.container.Container;
import dev.container.config.ConfigFile;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import org.slf4j.LoggerFactory;

/**
 * What an ACME test stands on: a real CA ({@link Pebble}, validating on the ports given), the
 * containers it starts (closed at the end), and the "container" log at INFO, captured:
 * <pre>{@code acme = AcmeFixture.start(dir, httpPort, tlsPort); ... acme.close();}</pre>
 * Skips the test when Pebble is not installed. The waits fail with the log and Pebble's.
 */
public final class AcmeFixture implements AutoCloseable {
    private final Pebble pebble;
    private final List<Container> containers = new ArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger containerLog = (Logger) LoggerFactory.getLogger("container");
    private final Level levelBefore;

    private AcmeFixture(Pebble pebble) {
        this.pebble = pebble;
        levelBefore = containerLog.getLevel();
        containerLog.setLevel(Level.INFO);
        log.start();
        containerLog.addAppender(log);
    }

    /** Pebble (under dir/pebble) validating on 127.0.0.1's httpPort and tlsPort, and the log captured from now. */
    public static AcmeFixture start(Path dir, int httpPort, int tlsPort) throws Exception {
        Pebble.assumeInstalled();
        return new AcmeFixture(new Pebble(dir.resolve("pebble"), httpPort, tlsPort).start());
    }

    /** {@link #start(Path, int, int)} on two free ports (the tests' containers listen on them). */
    public static AcmeFixture start(Path dir) throws Exception {
        return start(dir, Pebble.freePort(), Pebble.freePort());
    }

    public Pebble pebble() {
        return pebble;
    }

    /** A container of that config file, closed with the fixture. */
    public Container container(Path config) {
        Container container = Container.start(ConfigFile.load(config));
        containers.add(container);
        return container;
    }

    /** The containers started, in order. */
    public List<Container> containers() {
        return List.copyOf(containers);
    }

    /** Captures the "container" log at level from now (DEBUG to see what a part says only there). */
    public void level(Level level) {
        containerLog.setLevel(level);
    }

    /** Every event captured so far. */
    public List<ILoggingEvent> events() {
        return List.copyOf(log.list);
    }

    /** How many captured messages contain fragment. */
    public long logged(String fragment) {
        return events().stream().filter(e -> e.getFormattedMessage().contains(fragment)).count();
    }

    /** The captured log, a line per event with its thread and level, for a failure's message. */
    public String logLines() {
        StringBuilder text = new StringBuilder("--- container log\n");
        for (ILoggingEvent e : events()) {
            text.append(e.getThreadName()).append(' ').append(e.getLevel()).append(' ')
                    .append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                text.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
            }
        }
        return text.toString();
    }

    /**
     * Waits until name is served on port with a certificate trust accepts other than other (null:
     * any), at most limit; that certificate. Each look is a new full handshake.
     */
    public X509Certificate awaitCertificate(SSLContext trust, int port, String name, X509Certificate other,
                                            Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                X509Certificate leaf = TlsProbe.handshake(trust, port, name).leaf();
                if (!leaf.equals(other)) {
                    return leaf;
                }
            } catch (IOException e) {
                last = e; // no certificate yet (the handshake fails), or not the CA's yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no new certificate for " + name + " on port " + port + " within "
                + limit.toSeconds() + " s (last: " + last + ")\n" + logLines() + pebble.logs());
    }

    /** Waits until condition holds, at most limit; fails naming what, with the log. */
    public void await(String what, Duration limit, BooleanSupplier condition) throws Exception {
        Await.until(what, limit, condition::getAsBoolean, () -> "\n" + logLines());
    }

    /** Closes the containers, then Pebble; gives the log back its level. */
    @Override
    public void close() throws InterruptedException {
        containers.forEach(Container::close);
        containerLog.detachAppender(log);
        containerLog.setLevel(levelBefore);
        pebble.close();
    }
}
