package dev.container.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Slow clients on the plain listener: slowloris (request heads sent a byte at a time) and slow
 * POST bodies. Each must be cut by the server's timeout, and a normal client must be answered
 * meanwhile within a second.
 */
final class SlowProbes {
    private static final int CLIENTS = 200;
    private static final Duration DRIP = Duration.ofSeconds(2);
    /** Normal requests answered later than this count as slow. */
    private static final Duration PROMPT = Duration.ofSeconds(1);

    private SlowProbes() {
    }

    static List<Probe> all() {
        return List.of(
                new Probe("slow.slowloris", CLIENTS + " connections sending a header line every " + DRIP.toSeconds()
                        + " s: cut after the request timeout, a normal client answered meanwhile",
                        t -> drip(t, t.requestTimeout(), "GET " + t.file() + " HTTP/1.1\r\nHost: " + t.host() + "\r\n", "X-a: b\r\n")),
                new Probe("slow.post", CLIENTS + " POSTs sending one body byte every " + DRIP.toSeconds()
                        + " s: cut after the body timeout, a normal client answered meanwhile",
                        t -> drip(t, t.bodyTimeout(), "POST " + t.sink() + " HTTP/1.1\r\nHost: " + t.host()
                                + "\r\nContent-Length: 100000\r\n\r\n", "x")),
                new Probe("slow.slowhttptest-headers", "slowhttptest -H (slowloris, " + CLIENTS
                        + " connections): all cut, the service available throughout",
                        t -> slowhttptest(t, t.requestTimeout(), "-H", "-t", "GET", "-u", url(t, t.file()))),
                new Probe("slow.slowhttptest-body", "slowhttptest -B (slow POST bodies, " + CLIENTS
                        + " connections): all cut, the service available throughout",
                        t -> slowhttptest(t, t.bodyTimeout(), "-B", "-t", "POST", "-s", "100000", "-u", url(t, t.sink()))));
    }

    private static String url(Target t, String path) {
        return "http://" + t.http().map(Endpoint::authority).orElse("") + path;
    }

    /**
     * Runs Debian's slowhttptest against the plain listener for the server's timeout plus 15 s,
     * checking one connection of its own every 2 s: every check must find the service available,
     * and the test must end because the server closed every slow connection ("No open connections
     * left"), not because its time ran out.
     */
    private static Outcome slowhttptest(Target t, Duration timeout, String... mode) throws Exception {
        if (t.http().isEmpty()) {
            return Outcome.skip("no plain listener given");
        }
        java.util.List<String> command = new java.util.ArrayList<>(List.of("slowhttptest", "-c", Integer.toString(CLIENTS),
                "-i", "2", "-r", "100", "-p", "2", "-l", Long.toString(timeout.toSeconds() + 15)));
        command.addAll(List.of(mode));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return Outcome.skip("slowhttptest is not installed (Debian package slowhttptest)");
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;]*m", "");
        process.waitFor();
        long checks = out.lines().filter(l -> l.startsWith("service available:")).count();
        long down = out.lines().filter(l -> l.startsWith("service available:") && l.contains("NO")).count();
        String exit = out.lines().filter(l -> l.startsWith("Exit status:")).findFirst().orElse("Exit status: none").substring(12).strip();
        String ended = out.lines().filter(l -> l.startsWith("Test ended on")).findFirst().orElse("").strip();
        boolean ok = down == 0 && checks > 0 && exit.equals("No open connections left");
        return Outcome.of(ok, exit + " (" + ended.toLowerCase(java.util.Locale.ROOT) + "); service unavailable in " + down + " of "
                + checks + " checks");
    }

    /**
     * Opens CLIENTS connections that send head and then one drop every DRIP; they must all be
     * closed by the server within timeout plus a margin, while a normal request every half second
     * is answered promptly.
     */
    private static Outcome drip(Target t, Duration timeout, String head, String drop) throws Exception {
        if (t.http().isEmpty()) {
            return Outcome.skip("no plain listener given");
        }
        Endpoint e = t.http().get();
        List<SocketChannel> open = new ArrayList<>();
        int normal = 0;
        int late = 0;
        int failedNormal = 0;
        long worst = 0;
        try {
            for (int i = 0; i < CLIENTS; i++) {
                SocketChannel c = SocketChannel.open(new InetSocketAddress(e.host(), e.port()));
                c.configureBlocking(false);
                c.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
                open.add(c);
            }
            long began = System.nanoTime();
            long deadline = began + timeout.plusSeconds(10).toNanos();
            long nextDrip = began;
            ByteBuffer scratch = ByteBuffer.allocate(4096);
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                if (System.nanoTime() >= nextDrip) {
                    nextDrip += DRIP.toNanos();
                    for (SocketChannel c : List.copyOf(open)) {
                        if (closed(c, scratch) || !write(c, drop)) {
                            c.close();
                            open.remove(c);
                        }
                    }
                }
                long sent = System.nanoTime();
                try {
                    Exchange x = Exchange.run(t, e, "GET " + t.file() + " HTTP/1.1\r\nHost: " + t.host() + "\r\nConnection: close\r\n\r\n");
                    long took = (System.nanoTime() - sent) / 1_000_000;
                    normal++;
                    worst = Math.max(worst, took);
                    if (x.finals().isEmpty() || x.finals().get(0).status() != 200) {
                        failedNormal++;
                    } else if (took > PROMPT.toMillis()) {
                        late++;
                    }
                } catch (IOException ex) {
                    normal++;
                    failedNormal++;
                }
                Thread.sleep(500);
            }
            long cutAfter = (System.nanoTime() - began) / 1_000_000_000;
            boolean allCut = open.isEmpty();
            // one late answer in a run is a pause of the machine (GC, JIT), not starvation
            boolean ok = allCut && failedNormal == 0 && late <= 1;
            String detail = (allCut ? "all cut within " + cutAfter + " s" : open.size() + " of " + CLIENTS + " still open after "
                    + cutAfter + " s") + "; normal requests: " + normal + ", failed " + failedNormal + ", over "
                    + PROMPT.toMillis() + " ms " + late + ", slowest " + worst + " ms";
            return Outcome.of(ok, detail);
        } finally {
            for (SocketChannel c : open) {
                c.close();
            }
        }
    }

    /** Whether the server closed c (reads what it sent, such as a 408, and sees the end). */
    private static boolean closed(SocketChannel c, ByteBuffer scratch) {
        try {
            scratch.clear();
            return c.read(scratch) < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean write(SocketChannel c, String text) {
        try {
            c.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
