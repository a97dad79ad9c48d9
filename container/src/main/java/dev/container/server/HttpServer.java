package dev.container.server;

import dev.container.StartupError;
import dev.container.config.Limits;
import dev.container.config.ListenerSpec;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.DisallowedMethodsHandler;
import io.undertow.util.Methods;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.protocol.http.AlpnOpenListener;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.server.protocol.http2.Http2OpenListener;
import javax.net.ssl.SSLContext;
import org.xnio.Sequence;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * The listeners and the outermost handler (the graceful-shutdown {@link Gate}), on Undertow's
 * connectors. We open the listening sockets with XNIO ourselves, as {@link Undertow#start()} does,
 * because Undertow's own {@code ListenerInfo.suspend()} also closes every open connection, in-flight
 * requests included; owning the sockets lets {@link #drain} stop accepting (closing the listening
 * socket, so new connections are refused) while the requests clients have sent finish. Start and stop from one
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
    /**
     * Workers beyond the apps' shares ({@link WorkerShare}), for static files and whatever else
     * runs on workers, so that they are served while every app has all of its share blocked.
     */
    static final int RESERVED_WORKERS = 50;
    /** A request waiting this long for a worker means every worker is blocked: add one. */
    private static final long WORKER_MAX_WAIT_MILLIS = 20;

    private final List<ListenerSpec> listeners;
    private final Limits limits;
    private final SSLContext tls;
    /** The open listeners, in the order they were opened (the plan's). */
    private final Map<ListenerSpec, AcceptingChannel<? extends StreamConnection>> channels = new LinkedHashMap<>();
    /** The HTTP/2 side of the listeners that speak it (HTTPS, h2c), for counting its streams. */
    private final Map<ListenerSpec, Http2Listener> http2 = new java.util.concurrent.ConcurrentHashMap<>();
    private Gate gate;
    private volatile XnioWorker worker;
    private volatile WorkerPool workers;
    private volatile int maxWorkers = MAX_WORKERS;
    private ByteBufferPool buffers = new BufferPool(BUFFER_SIZE);
    private final AcceptFailures acceptFailures = new AcceptFailures();

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
     * The listeners as one of the container's parts: starting it is {@link #start}ing them with
     * handler; stopping it closes the listening sockets (as {@link #drain} does, without waiting).
     * The connections and the threads under them end with {@link #stop}, which the owner calls
     * last: the apps stopped after the listeners may still need the I/O threads.
     */
    public dev.container.Service serving(HttpHandler handler) {
        return new dev.container.Service() {
            @Override
            public String name() {
                return "listeners";
            }

            @Override
            public void start() {
                HttpServer.this.start(handler);
            }

            @Override
            public void stop() {
                drain(Duration.ZERO);
            }

            @Override
            public String describe() {
                int open = addresses().size();
                return open + (open == 1 ? " listener" : " listeners") + " open";
            }
        };
    }

    /**
     * Opens every listener, serving {@code handler} behind the graceful-shutdown gate, or none: on
     * failure closes what it opened and throws {@link StartupError}.
     */
    public void start(HttpHandler handler) {
        initializeEagerly();
        acceptFailures.install();
        // TRACE echoes a request, cookies and all, back to a script (cross-site tracing): refused
        // for every app and mount, as Tomcat's allowTrace=false does (HttpServlet answers it)
        HttpHandler served = new DisallowedMethodsHandler(new AsteriskOptions(handler), Set.of(Methods.TRACE));
        gate = new Gate(new WriteTimeout(limits.writeTimeout(), served));
        int cores = Runtime.getRuntime().availableProcessors();
        int core = CORE_WORKERS_PER_CORE * cores;
        workers = new WorkerPool("worker", core, Math.max(core, maxWorkers), WORKER_MAX_WAIT_MILLIS, 60_000);
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
        // strict RFC 9112 framing under Undertow's parser; the front answers what it refused
        var strict = new StrictHttp1(http1, limits);
        http1.setRootHandler(StrictHttp1.front(gate));
        var address = new InetSocketAddress(InetAddress.getByName(listener.host()), listener.port());
        AcceptingChannel<? extends StreamConnection> channel;
        if (listener.tls()) {
            if (tls == null) {
                throw new IOException("an HTTPS listener needs certificates");
            }
            // ALPN: h2 when the client offers it, else HTTP/1.1 (as Undertow's builder wires it, but
            // with our Http2Listener in place of Undertow's Http2OpenListener: see GuardedHttp2Channel)
            var http2 = new Http2Listener(buffers, options, Http2OpenListener.HTTP2, new NoClientCertificates(gate));
            this.http2.put(listener, http2);
            var alpn = new AlpnOpenListener(buffers, options, strict);
            alpn.addProtocol(Http2OpenListener.HTTP2, http2, 10);
            var ssl = new UndertowXnioSsl(worker.getXnio(), OptionMap.create(Options.USE_DIRECT_BUFFERS, true), tls);
            OptionMap sslOptions = OptionMap.builder().addAll(socketOptions)
                    // Undertow sets these on each engine after the context made it: the context's own (the profile's)
                    .set(Options.SSL_ENABLED_PROTOCOLS, Sequence.of(tls.getDefaultSSLParameters().getProtocols()))
                    .getMap();
            channel = ssl.createSslConnectionServer(worker, address, acceptFailures.listener(alpn), sslOptions);
        } else if (listener.h2c()) {
            // prior knowledge only: Upgrade: h2c is deprecated by RFC 9113 section 3.1 (nginx never
            // offered it), and Undertow's Http2UpgradeHandler would build an unguarded Http2Channel
            var http2 = new Http2Listener(buffers, options, null, gate);
            this.http2.put(listener, http2);
            channel = worker.createStreamConnectionServer(address,
                    acceptFailures.listener(new PriorKnowledge(buffers, strict, http2, limits.idleTimeout())),
                    socketOptions);
        } else {
            channel = worker.createStreamConnectionServer(address, acceptFailures.listener(strict), socketOptions);
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
                http2.remove(open.getKey());
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

    /**
     * Lets the worker pool grow to the apps' shares together plus a reserve (and to 200 at least):
     * then apps that block all of their shares leave workers for the rest. Before start, or
     * while running (a reload).
     *
     * @param appShares the sum of the apps' max-requests
     */
    public void reserveWorkers(long appShares) {
        maxWorkers = (int) Math.min(Integer.MAX_VALUE, Math.max(MAX_WORKERS, appShares + RESERVED_WORKERS));
        WorkerPool pool = workers;
        if (pool != null) {
            pool.setMax(Math.max(CORE_WORKERS_PER_CORE * Runtime.getRuntime().availableProcessors(), maxWorkers));
        }
    }

    /**
     * Initializes now, while file descriptors are plentiful, the classes whose static initializer
     * opens a file: XNIO's Conduits and Channels open /dev/null. Initialized first while the
     * process is out of descriptors, such a class fails for good (NoClassDefFoundError at every
     * later use), and with Conduits every response with a Content-Length, long after the
     * descriptors came back. The same for the JDK's SecureRandom, which keeps /dev/urandom open
     * (session ids).
     */
    private static void initializeEagerly() {
        for (String name : List.of("org.xnio.conduits.Conduits", "org.xnio.channels.Channels")) {
            try {
                Class.forName(name, true, HttpServer.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new StartupError("cannot initialize " + name + ": " + e, e);
            }
        }
        new SecureRandom().nextInt();
    }

    /** Undertow's options for the limits: each an option Undertow enforces on every connection. */
    static OptionMap serverOptions(Limits limits) {
        var options = OptionMap.builder()
                .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
                // each app's latency (RequestStats) is measured from when its request was read
                .set(UndertowOptions.RECORD_REQUEST_START_TIME, true)
                .set(UndertowOptions.MAX_HEADER_SIZE, (int) limits.maxHeaderSize())
                .set(UndertowOptions.MAX_HEADERS, limits.maxHeaders())
                .set(UndertowOptions.NO_REQUEST_TIMEOUT, millis(limits.idleTimeout()))
                .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis(limits.requestTimeout()))
                .set(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, limits.http2MaxConcurrentStreams());
        // Undertow's own default is 2 MiB, for bodies and for multipart forms: set both, always
        // (HTTP/1.1 bodies meet the limit in RequestFraming first, which can still answer 413)
        long body = limits.maxRequestBody() == Limits.UNLIMITED ? -1 : limits.maxRequestBody();
        options.set(UndertowOptions.MAX_ENTITY_SIZE, body);
        options.set(UndertowOptions.MULTIPART_MAX_ENTITY_SIZE, body);
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
     * The connections open on each open listener, in plan order: XNIO's own count, the one its
     * connection limit (max-connections) works from, so it costs the requests nothing. Asks each
     * I/O thread for its share and waits for the answers, so it is called from elsewhere (a scrape),
     * never from an I/O thread, and without this object's lock, which an I/O thread may want meanwhile.
     */
    public Map<ListenerSpec, Integer> openConnections() {
        XnioWorker w = worker;
        Map<ListenerSpec, String> addresses = new LinkedHashMap<>();
        synchronized (this) {
            channels.forEach((spec, channel) -> addresses.put(spec, String.valueOf(channel.getLocalAddress())));
        }
        Map<ListenerSpec, Integer> open = new LinkedHashMap<>();
        if (w == null) {
            return open;
        }
        Map<String, Integer> byAddress = new java.util.HashMap<>();
        for (var server : w.getMXBean().getServerMXBeans()) {
            byAddress.merge(server.getBindAddress(), server.getConnectionCount(), Integer::sum);
        }
        addresses.forEach((spec, address) -> open.put(spec, byAddress.getOrDefault(address, 0)));
        return open;
    }

    /** The HTTP/2 streams with a request running on each open listener that speaks HTTP/2. */
    public synchronized Map<ListenerSpec, Integer> http2Streams() {
        Map<ListenerSpec, Integer> streams = new LinkedHashMap<>();
        channels.keySet().forEach(spec -> {
            Http2Listener h2 = http2.get(spec);
            if (h2 != null) {
                streams.put(spec, h2.streams());
            }
        });
        return streams;
    }

    /**
     * Closes the listening sockets (new connections are refused), then lets the requests clients
     * have sent finish, up to {@code timeout}: HTTP/1.1 connections get their next response with
     * {@code Connection: close}, HTTP/2 ones a GOAWAY ({@link Gate}).
     *
     * @return false if requests were still running at the deadline
     */
    public boolean drain(Duration timeout) {
        if (gate != null) {
            gate.startDrain(); // first: a request arriving as the listeners close is already told to close
        }
        synchronized (this) {
            channels.values().forEach(IoUtils::safeClose);
            channels.clear();
        }
        return gate == null || gate.awaitDrained(timeout);
    }

    /** Requests running now (0 before start). */
    int running() {
        return gate == null ? 0 : gate.running();
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
        acceptFailures.close();
    }
}
