package dev.container.server;

import dev.container.StartupError;
import dev.container.config.Limits;
import dev.container.config.ListenerSpec;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.protocol.http.AlpnOpenListener;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.server.protocol.http2.Http2OpenListener;
import dev.container.tls.TlsContext;
import javax.net.ssl.SSLContext;
import org.xnio.Sequence;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * The listeners and the outermost handler (the graceful-shutdown gate), on Undertow's connectors.
 * We open the listening sockets with XNIO ourselves, as {@link Undertow#start()} does, because
 * Undertow's own {@code ListenerInfo.suspend()} also closes every open connection, in-flight
 * requests included; owning the sockets lets {@link #drain} stop accepting (closing the listening
 * socket, so new connections are refused) while running requests finish. Start and stop from one
 * thread. The buffer pool exists from construction and the I/O threads from {@link #start}, so apps
 * deployed in between (WebSocket connections need both) can be handed {@link #worker()} and
 * {@link #buffers()} before the server listens.
 */
public final class HttpServer {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    /** Undertow's default for heaps over 128 MiB: 16 KiB less room for the TLS record overhead. */
    private static final int BUFFER_SIZE = 16 * 1024 - 20;
    /**
     * Worker threads kept per core, and the most there can be, as Tomcat's maxThreads. On one
     * core, 4 workers and 1 I/O thread served a hello servlet 1.4x faster than Undertow's default
     * of 2 I/O threads and 16 workers (fewer threads to wake, fewer context switches); see
     * {@link WorkerPool} for how the pool grows when requests block.
     */
    private static final int CORE_WORKERS_PER_CORE = 4;
    private static final int MAX_WORKERS = 200;
    /** A request waiting this long for a worker means every worker is blocked: add one. */
    private static final long WORKER_MAX_WAIT_MILLIS = 20;

    private final List<ListenerSpec> listeners;
    private final Limits limits;
    private final SSLContext tls;
    /** The open listeners, in the order they were opened (the plan's). */
    private final Map<ListenerSpec, AcceptingChannel<? extends StreamConnection>> channels = new LinkedHashMap<>();
    private GracefulShutdownHandler gate;
    private volatile XnioWorker worker;
    private WorkerPool workers;
    private ByteBufferPool buffers = new DefaultByteBufferPool(true, BUFFER_SIZE, -1, 4);

    /**
     * Listeners with the given limits; {@link #start} gives the handler.
     *
     * @param tls the context of the HTTPS listeners; null when there are none
     */
    public HttpServer(List<ListenerSpec> listeners, Limits limits, SSLContext tls) {
        this.listeners = List.copyOf(listeners);
        this.limits = limits;
        this.tls = tls;
    }

    /** The I/O threads: null until {@link #start}, which is before any connection can ask for them. */
    public Supplier<XnioWorker> worker() {
        return () -> worker;
    }

    /** The server's buffer pool (its buffers are allocated on first use). */
    public ByteBufferPool buffers() {
        return buffers;
    }

    /**
     * Opens every listener, serving {@code handler} behind the graceful-shutdown gate, or none: on
     * failure closes what it opened and throws {@link StartupError}.
     */
    public void start(HttpHandler handler) {
        gate = new GracefulShutdownHandler(new WriteTimeout(limits.writeTimeout(), handler));
        int cores = Runtime.getRuntime().availableProcessors();
        workers = new WorkerPool("worker", CORE_WORKERS_PER_CORE * cores, MAX_WORKERS, WORKER_MAX_WAIT_MILLIS, 60_000);
        try {
            worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorkerBuilder()
                    .populateFromOptions(OptionMap.builder()
                            .set(Options.WORKER_IO_THREADS, cores)
                            .set(Options.TCP_NODELAY, true)
                            .set(Options.CORK, true)
                            .getMap())
                    .setExternalExecutorService(workers)
                    .build();
        } catch (RuntimeException e) {
            workers.shutdownNow();
            throw new StartupError("cannot start the I/O threads: " + e.getMessage(), e);
        }
        for (ListenerSpec listener : listeners) {
            try {
                open(listener);
            } catch (IOException e) {
                stop();
                throw new StartupError("cannot listen on " + listener.authority(listener.port()) + ": "
                        + e.getMessage(), e);
            }
        }
    }

    private void open(ListenerSpec listener) throws IOException {
        OptionMap socketOptions = OptionMap.builder()
                .set(Options.TCP_NODELAY, true)
                .set(Options.REUSE_ADDRESSES, true)
                .set(Options.BALANCING_TOKENS, 1)
                .set(Options.BALANCING_CONNECTIONS, 2)
                .set(Options.BACKLOG, 1000)
                // accepting pauses at the high mark and resumes below the low one
                .set(Options.CONNECTION_HIGH_WATER, limits.maxConnections())
                .set(Options.CONNECTION_LOW_WATER, limits.maxConnections())
                .getMap();
        OptionMap options = serverOptions(limits);
        var http1 = new HttpOpenListener(buffers, options);
        http1.setRootHandler(gate);
        var address = new InetSocketAddress(InetAddress.getByName(listener.host()), listener.port());
        AcceptingChannel<? extends StreamConnection> channel;
        if (listener.tls()) {
            if (tls == null) {
                throw new IOException("an HTTPS listener needs certificates");
            }
            // ALPN: h2 when the client offers it, else HTTP/1.1 (as Undertow's builder wires it, but
            // with our Http2Listener in place of Undertow's Http2OpenListener: see GuardedHttp2Channel)
            var http2 = new Http2Listener(buffers, options, Http2OpenListener.HTTP2, new NoClientCertificates(gate));
            var alpn = new AlpnOpenListener(buffers, options, http1);
            alpn.addProtocol(Http2OpenListener.HTTP2, http2, 10);
            var ssl = new UndertowXnioSsl(worker.getXnio(), OptionMap.create(Options.USE_DIRECT_BUFFERS, true), tls);
            OptionMap sslOptions = OptionMap.builder().addAll(socketOptions)
                    .set(Options.SSL_ENABLED_PROTOCOLS, Sequence.of(TlsContext.PROTOCOLS))
                    .getMap();
            channel = ssl.createSslConnectionServer(worker, address, ChannelListeners.openListenerAdapter(alpn), sslOptions);
        } else if (listener.h2c()) {
            // prior knowledge only: Upgrade: h2c is deprecated by RFC 9113 section 3.1 (nginx never
            // offered it), and Undertow's Http2UpgradeHandler would build an unguarded Http2Channel
            var http2 = new Http2Listener(buffers, options, null, gate);
            channel = worker.createStreamConnectionServer(address,
                    ChannelListeners.openListenerAdapter(new PriorKnowledge(buffers, http1, http2, limits.idleTimeout())),
                    socketOptions);
        } else {
            channel = worker.createStreamConnectionServer(address, ChannelListeners.openListenerAdapter(http1), socketOptions);
        }
        channel.resumeAccepts();
        channels.put(listener, channel);
    }

    /**
     * Makes the open listeners those of next (a reload): opens the new ones, closes the listening
     * sockets of those gone (their open connections finish what they are doing), leaves the rest.
     *
     * @return a problem line for each listener that could not be opened (the others are)
     */
    public synchronized List<String> listen(List<ListenerSpec> next) {
        List<String> problems = new ArrayList<>();
        for (var open : List.copyOf(channels.entrySet())) {
            if (!next.contains(open.getKey())) {
                IoUtils.safeClose(open.getValue());
                channels.remove(open.getKey());
            }
        }
        for (ListenerSpec listener : next) {
            if (!channels.containsKey(listener)) {
                try {
                    open(listener);
                } catch (IOException e) {
                    problems.add("cannot listen on " + listener.authority(listener.port()) + ": " + e.getMessage());
                }
            }
        }
        return problems;
    }

    /** Undertow's options for the limits: each an option Undertow enforces on every connection. */
    static OptionMap serverOptions(Limits limits) {
        var options = OptionMap.builder()
                .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
                .set(UndertowOptions.MAX_HEADER_SIZE, (int) limits.maxHeaderSize())
                .set(UndertowOptions.NO_REQUEST_TIMEOUT, millis(limits.idleTimeout()))
                .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis(limits.requestTimeout()))
                .set(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, limits.http2MaxConcurrentStreams());
        if (limits.maxRequestBody() != Limits.UNLIMITED) {
            options.set(UndertowOptions.MAX_ENTITY_SIZE, limits.maxRequestBody());
        }
        return options.getMap();
    }

    /** Milliseconds for Undertow, where 0 or less means "no timeout": a zero duration means the same. */
    private static int millis(Duration d) {
        long ms = d.toMillis();
        return ms == 0 ? -1 : (int) Math.min(ms, Integer.MAX_VALUE);
    }

    /** The bound address of each open listener, in plan order (port 0 resolved to the real port). */
    public synchronized Map<ListenerSpec, InetSocketAddress> addresses() {
        Map<ListenerSpec, InetSocketAddress> bound = new LinkedHashMap<>();
        channels.forEach((spec, channel) -> bound.put(spec, channel.getLocalAddress(InetSocketAddress.class)));
        return bound;
    }

    /**
     * Closes the listening sockets (new connections are refused), answers 503 to new requests on
     * connections already open, and waits up to {@code timeout} for in-flight requests.
     *
     * @return false if requests were still running at the deadline
     */
    public boolean drain(Duration timeout) {
        channels.values().forEach(IoUtils::safeClose);
        channels.clear();
        if (gate == null) {
            return true;
        }
        gate.shutdown();
        try {
            return gate.awaitShutdown(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Closes the listeners and every connection, and stops the I/O threads. Safe to call twice. */
    public void stop() {
        channels.values().forEach(IoUtils::safeClose);
        channels.clear();
        if (worker != null) {
            worker.shutdownNow();
            try {
                if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
                    log.warn("I/O threads did not stop within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            worker = null;
        }
        if (workers != null) {
            workers.shutdownNow();
            try {
                if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                    log.warn("worker threads did not stop within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            workers = null;
        }
        if (buffers != null) {
            buffers.close();
            buffers = null;
        }
    }
}
