package dev.container.server;

import io.undertow.server.handlers.accesslog.AccessLogReceiver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log's file: lines are queued by request threads and written in batches by one
 * thread of its own, each batch with one write. In place of Undertow's DefaultAccessLogReceiver,
 * which logs an error with a stack trace for every batch it cannot write (a full disk floods the
 * log) and keeps half-written lines: here a failed batch is cut back off the file (so the file
 * holds whole lines only), dropped and counted, the failure is logged once, and once a batch is
 * written again that is logged with the count of lost lines. At most {@value #MAX_QUEUED} lines
 * wait; more are dropped (and counted) rather than held in memory while the disk is slow.
 *
 * <p>Daily rotation as Undertow's: {@code access.log} becomes {@code access.2026-11-22.log} at the
 * first write after midnight (and at start, when the file was last written on an earlier day).
 * Thread-safe; {@link #close} writes what is queued.
 */
final class AccessLogFile implements AccessLogReceiver, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("container");
    static final int MAX_QUEUED = 100_000;
    private static final int BATCH = 1000;

    private final Path file;
    private final boolean rotate;
    private final Clock clock;
    private final ExecutorService writer;
    private final ConcurrentLinkedQueue<String> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Lines lost since the last successful write: not written, or not queued. */
    private final AtomicLong lost = new AtomicLong();
    // the writer thread's own
    private FileChannel channel;
    private LocalDate day;
    private boolean failing;

    /** @param file the log, in an existing directory; rotated daily when rotate */
    AccessLogFile(Path file, boolean rotate) {
        this(file, rotate, Clock.systemDefaultZone());
    }

    AccessLogFile(Path file, boolean rotate, Clock clock) {
        this.file = file;
        this.rotate = rotate;
        this.clock = clock;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "access-log");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void logMessage(String line) {
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            lost.incrementAndGet();
            return;
        }
        pending.offer(line);
        if (scheduled.compareAndSet(false, true)) {
            writer.execute(this::drain);
        }
    }

    private void drain() {
        StringBuilder batch = new StringBuilder(8192);
        while (true) {
            int lines = 0;
            batch.setLength(0);
            for (String line; lines < BATCH && (line = pending.poll()) != null; lines++) {
                batch.append(line).append('\n');
            }
            if (lines == 0) {
                scheduled.set(false);
                // a line queued after the last poll but before the flag went down would wait
                if (pending.isEmpty() || !scheduled.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            queued.addAndGet(-lines);
            write(batch.toString().getBytes(StandardCharsets.UTF_8), lines);
        }
    }

    private void write(byte[] bytes, int lines) {
        long start = -1;
        try {
            rotateIfDue();
            if (channel == null) {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            }
            start = channel.size();
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (failing) {
                failing = false;
                log.info("access log {}: writing again; {} line(s) were lost", file, lost.getAndSet(0));
            }
        } catch (IOException e) {
            lost.addAndGet(lines);
            cutBack(start);
            if (!failing) {
                failing = true;
                log.error("access log {}: cannot write: {}; its lines are lost until it can (logged again then)", file,
                        e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
    }

    /** Removes a half-written batch, so the file holds whole lines only; then reopens at the next batch. */
    private void cutBack(long start) {
        if (channel == null) {
            return;
        }
        try {
            if (start >= 0) {
                channel.truncate(start);
            }
        } catch (IOException e) {
            // the part of the batch stays; the next batch starts on a line of its own anyway
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to lose
        }
        channel = null;
    }

    private void rotateIfDue() throws IOException {
        LocalDate today = LocalDate.now(clock);
        if (day == null) {
            day = today;
            if (rotate && Files.exists(file)) {
                LocalDate written = LocalDate.ofInstant(Files.getLastModifiedTime(file).toInstant(), clock.getZone());
                if (written.isBefore(today)) {
                    rename(written);
                }
            }
            return;
        }
        if (!rotate || !today.isAfter(day)) {
            return;
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
        rename(day);
        day = today;
    }

    /** access.log -> access.DATE.log (access.DATE-1.log when that exists already). */
    private void rename(LocalDate date) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String suffix = dot > 0 ? name.substring(dot) : ".log";
        Path target = file.resolveSibling(base + "." + date + suffix);
        for (int i = 1; Files.exists(target); i++) {
            target = file.resolveSibling(base + "." + date + "-" + i + suffix);
        }
        Files.move(file, target);
    }

    /** The lines lost since the last successful write (for tests). */
    long lost() {
        return lost.get();
    }

    @Override
    public void close() {
        writer.execute(() -> {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // the lines are written; nothing to flush
                }
                channel = null;
            }
        });
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
