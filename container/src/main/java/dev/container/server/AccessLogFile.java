package dev.container.server;

import io.undertow.server.handlers.accesslog.AccessLogReceiver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log's file: lines are queued by request threads and written in batches by one
 * thread of its own, each batch with one write (or one per file when it is rotated in between).
 * In place of Undertow's DefaultAccessLogReceiver, which logs an error with a stack trace for every
 * batch it cannot write (a full disk floods the log) and keeps half-written lines: here a failed
 * batch is cut back off the file (so the file holds whole lines only), dropped and counted, the
 * failure is logged once, and once a batch is written again that is logged with the count of lost
 * lines. At most {@value #MAX_QUEUED} lines wait; more are dropped (and counted) rather than held in
 * memory while the disk is slow.
 *
 * <p>Rotation renames the file, from the writer thread only, between two lines (never inside one):
 * daily, as Undertow's, at the first write after midnight (and at start, when the file was last
 * written on an earlier day); and by size, before a line would take the file beyond max-size (a
 * single line longer than that gets a file of its own). Either way {@code access.log} becomes
 * {@code access.2026-11-22.log}, the day its lines were written, or when that day has a renamed
 * file already, the next number: {@code access.2026-11-22-1.log}, {@code -2}, ... (one above the
 * highest of that day, so numbers keep rising through the day even after the oldest are deleted).
 * With max-files, after each rotation (and at start) the renamed files beyond that many are
 * deleted, oldest first by date and number. A file that cannot be renamed (logged once) goes on
 * taking the lines, beyond max-size or past midnight: rotation never loses one. Thread-safe;
 * {@link #close} writes what is queued.
 */
final class AccessLogFile implements AccessLogReceiver, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("container");
    static final int MAX_QUEUED = 100_000;
    private static final int BATCH = 1000;

    private final Path file;
    private final boolean daily;
    private final long maxSize;
    private final OptionalInt maxFiles;
    private final Clock clock;
    /** access.log -> "access" and ".log"; the renamed files are base.DATE[-N]suffix. */
    private final String base;
    private final String suffix;
    private final Pattern rotatedName;
    private final ExecutorService writer;
    private final ConcurrentLinkedQueue<String> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Lines lost since the last successful write: not written, or not queued. */
    private final AtomicLong lost = new AtomicLong();
    // the writer thread's own
    private FileChannel channel;
    /** The open file's size: what it had when opened and what was written since. */
    private long size;
    private LocalDate day;
    private boolean failing;
    /** Whether the last rotation could not rename the file (logged once). */
    private boolean renameFailing;
    /** Whether a rename failed in this batch: the rest of it goes into the file without trying again. */
    private boolean renameFailedNow;
    private final ByteArrayOutputStream batch = new ByteArrayOutputStream(64 * 1024);
    /** Where each line of the batch ends in it. */
    private final int[] ends = new int[BATCH];

    /** @param file the log, in an existing directory; rotated daily when daily */
    AccessLogFile(Path file, boolean daily) {
        this(file, daily, OptionalLong.empty(), OptionalInt.empty(), Clock.systemDefaultZone());
    }

    AccessLogFile(Path file, boolean daily, Clock clock) {
        this(file, daily, OptionalLong.empty(), OptionalInt.empty(), clock);
    }

    /**
     * @param file the log, in an existing directory
     * @param daily whether to rotate at midnight
     * @param maxSize rotate before the file would grow beyond this many bytes; empty: no limit
     * @param maxFiles keep this many rotated files, delete older ones; empty: keep all
     */
    AccessLogFile(Path file, boolean daily, OptionalLong maxSize, OptionalInt maxFiles, Clock clock) {
        this.file = file;
        this.daily = daily;
        this.maxSize = maxSize.orElse(Long.MAX_VALUE);
        this.maxFiles = maxFiles;
        this.clock = clock;
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        this.base = dot > 0 ? name.substring(0, dot) : name;
        this.suffix = dot > 0 ? name.substring(dot) : ".log";
        this.rotatedName = Pattern.compile(Pattern.quote(base) + "\\.(\\d{4}-\\d{2}-\\d{2})(?:-(\\d{1,9}))?"
                + Pattern.quote(suffix));
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
        while (true) {
            int lines = 0;
            batch.reset();
            for (String line; lines < BATCH && (line = pending.poll()) != null; lines++) {
                batch.writeBytes(line.getBytes(StandardCharsets.UTF_8));
                batch.write('\n');
                ends[lines] = batch.size();
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
            write(batch.toByteArray(), lines);
        }
    }

    /** Writes the batch's lines, as many as fit into each file, rotating the file in between. */
    private void write(byte[] bytes, int lines) {
        int line = 0;
        long start = -1;
        renameFailedNow = false;
        try {
            rotateIfDue();
            int from = 0;
            while (line < lines) {
                open();
                int to = line;
                while (to < lines && size + (ends[to] - from) <= maxSize) {
                    to++;
                }
                if (to == line) {
                    if (size > 0 && !renameFailedNow && tryRotate(day)) {
                        continue;
                    }
                    // a line longer than max-size: alone in a file of its own; or the file cannot be
                    // renamed: the rest of the batch goes on into it, beyond max-size
                    to = renameFailedNow ? lines : line + 1;
                    open(); // a failed rename closed it
                }
                start = size;
                ByteBuffer buffer = ByteBuffer.wrap(bytes, from, ends[to - 1] - from);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                size += ends[to - 1] - from;
                from = ends[to - 1];
                line = to;
                start = -1;
            }
            if (failing) {
                failing = false;
                log.info("access log {}: writing again; {} line(s) were lost", file, lost.getAndSet(0));
            }
        } catch (IOException e) {
            lost.addAndGet(lines - line);
            cutBack(start);
            if (!failing) {
                failing = true;
                log.error("access log {}: cannot write: {}; its lines are lost until it can (logged again then)", file,
                        e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
    }

    private void open() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            size = channel.size();
        }
    }

    /** Removes a half-written part of a batch, so the file holds whole lines only; then reopens at the next batch. */
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
            if (daily && Files.exists(file)) {
                LocalDate written = LocalDate.ofInstant(Files.getLastModifiedTime(file).toInstant(), clock.getZone());
                if (written.isBefore(today)) {
                    tryRotate(written);
                    return;
                }
            }
            prune();
            return;
        }
        if (daily && today.isAfter(day)) {
            tryRotate(day); // if not, the new day's lines go on into the same file: none is lost
            day = today;
        }
    }

    /**
     * Renames the file (closing it first); false, logged once until renaming works again, when it
     * cannot: the lines then go on into the same file rather than being lost.
     */
    private boolean tryRotate(LocalDate date) {
        try {
            rotate(date);
            if (renameFailing) {
                renameFailing = false;
                log.info("access log {}: renaming it works again", file);
            }
            return true;
        } catch (IOException e) {
            renameFailedNow = true;
            if (!renameFailing) {
                renameFailing = true;
                log.error("access log {}: cannot rename it for rotation: {}; its lines go on into it until it can"
                        + " (logged again then)", file, e.getMessage() == null ? e.toString() : e.getMessage());
            }
            return false;
        }
    }

    /** access.log -> access.DATE.log, or access.DATE-N.log with N one above the day's highest; then prune. */
    private void rotate(LocalDate date) throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
        if (!Files.exists(file)) {
            return;
        }
        int highest = -1;
        for (Rotated r : rotated()) {
            if (r.date().equals(date)) {
                highest = Math.max(highest, r.number());
            }
        }
        int number = highest + 1;
        Files.move(file, file.resolveSibling(base + "." + date + (number == 0 ? "" : "-" + number) + suffix));
        prune();
    }

    /** A renamed file: access.DATE.log is number 0 of its day, access.DATE-N.log number N. */
    private record Rotated(Path path, LocalDate date, int number) {
    }

    /** The renamed files beside the log, oldest first. */
    private List<Rotated> rotated() throws IOException {
        List<Rotated> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(file.toAbsolutePath().getParent())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = rotatedName.matcher(p.getFileName().toString());
                if (m.matches()) {
                    try {
                        found.add(new Rotated(p, LocalDate.parse(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2))));
                    } catch (java.time.format.DateTimeParseException e) {
                        // access.2026-13-45.log is no name of ours
                    }
                }
            }
        }
        found.sort(Comparator.comparing(Rotated::date).thenComparingInt(Rotated::number));
        return found;
    }

    /** Deletes the oldest renamed files beyond max-files; a failure is logged, and tried again at the next rotation. */
    private void prune() {
        if (maxFiles.isEmpty()) {
            return;
        }
        List<Rotated> all;
        try {
            all = rotated();
        } catch (IOException e) {
            log.warn("access log {}: cannot list its directory to delete old files: {}", file, e.getMessage());
            return;
        }
        for (Rotated old : all.subList(0, Math.max(0, all.size() - maxFiles.getAsInt()))) {
            try {
                Files.deleteIfExists(old.path());
            } catch (IOException e) {
                log.warn("access log {}: cannot delete the old {}: {}", file, old.path().getFileName(), e.getMessage());
            }
        }
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
