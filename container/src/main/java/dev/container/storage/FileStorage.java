package dev.container.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@link Storage} in the state directory, for one machine ({@code storage { type = files }}, the
 * default): a name is the path of a file under the directory, so what the container wrote there
 * before stays where it was. Writes go through {@link AtomicFiles} (a temporary file, fsync,
 * rename), secrets readable by their owner only (0600). A lock is held by this process (a
 * semaphore per name, so also between its threads) and by a {@code FileChannel} lock on
 * {@code STATE/.locks/NAME.lock}, so a second process on the same state directory waits too; the
 * operating system releases that when the process dies. Thread-safe.
 */
public final class FileStorage implements Storage {
    /** Where the lock files are: a name beginning with '.' is never a stored name, so list() skips them. */
    static final String LOCKS = ".locks";
    /** How often a lock held by another process is looked at again while waiting for it. */
    private static final long POLL_MILLIS = 50;

    private final Path root;
    private final ConcurrentHashMap<String, Semaphore> held = new ConcurrentHashMap<>();

    public FileStorage(Path stateDir) {
        this.root = stateDir.toAbsolutePath().normalize();
    }

    /** The file of a name (for code that still works with paths). */
    public Path file(String name) {
        return root.resolve(Storage.checkName(name));
    }

    @Override
    public Optional<byte[]> get(String name) {
        Path file = file(name);
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (Files.isDirectory(file)) {
                return Optional.empty();
            }
            throw new StorageException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void put(String name, byte[] content) {
        write(name, content, false);
    }

    @Override
    public void putSecret(String name, byte[] content) {
        write(name, content, true);
    }

    private void write(String name, byte[] content, boolean secret) {
        Path file = file(name);
        try {
            AtomicFiles.write(file, content, secret);
        } catch (IOException e) {
            throw new StorageException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(String name) {
        Path file = file(name);
        try {
            return Files.isRegularFile(file) && Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StorageException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Item> list(String prefix) {
        Storage.checkPrefix(prefix);
        // walk only the deepest directory the prefix names
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<Item> items = new ArrayList<>();
        try (Stream<Path> files = Files.walk(start)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                if (!name.startsWith(prefix) || !validName(name)) {
                    continue;
                }
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    if (attributes.isRegularFile()) {
                        items.add(new Item(name, attributes.lastModifiedTime().toInstant(), attributes.size()));
                    }
                } catch (NoSuchFileException gone) {
                    // deleted meanwhile
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new StorageException("cannot list " + start + ": " + e.getMessage(), e);
        }
        items.sort(Comparator.comparing(Item::name));
        return items;
    }

    private static boolean validName(String name) {
        try {
            Storage.checkName(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false; // a temporary file, a lock file, a file name no caller could have given
        }
    }

    @Override
    public Lease lock(String name, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        Semaphore semaphore = semaphore(name);
        try {
            if (!semaphore.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw timedOut(name, wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for the lock " + name, e);
        }
        try {
            while (true) {
                Optional<Lease> lease = fileLock(name, semaphore);
                if (lease.isPresent()) {
                    return lease.get();
                }
                if (System.nanoTime() >= deadline) {
                    throw timedOut(name, wait);
                }
                Thread.sleep(POLL_MILLIS); // another process holds it: the OS tells no one when it lets go
            }
        } catch (InterruptedException e) {
            semaphore.release();
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for the lock " + name, e);
        } catch (RuntimeException e) {
            semaphore.release();
            throw e;
        }
    }

    @Override
    public Optional<Lease> tryLock(String name) {
        Semaphore semaphore = semaphore(name);
        if (!semaphore.tryAcquire()) {
            return Optional.empty();
        }
        try {
            Optional<Lease> lease = fileLock(name, semaphore);
            if (lease.isEmpty()) {
                semaphore.release();
            }
            return lease;
        } catch (RuntimeException e) {
            semaphore.release();
            throw e;
        }
    }

    private Semaphore semaphore(String name) {
        return held.computeIfAbsent(Storage.checkName(name), n -> new Semaphore(1));
    }

    /** The file lock of name, this process holding its semaphore; empty when another process has it. */
    private Optional<Lease> fileLock(String name, Semaphore semaphore) {
        Path file = root.resolve(LOCKS).resolve(name + ".lock");
        FileChannel channel = null;
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                lock = null; // another FileStorage of this process, on the same directory, holds it
            }
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new FileLease(name, channel, lock, semaphore));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    private static LockTimeoutException timedOut(String name, Duration wait) {
        return new LockTimeoutException("the lock " + name + " is still held by another holder after " + wait.toMillis() + " ms");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held through it
            }
        }
    }

    @Override
    public String describe() {
        return "files in " + root;
    }

    @Override
    public String toString() {
        return "FileStorage[" + root + "]";
    }

    private static final class FileLease implements Lease {
        private final String name;
        private final FileChannel channel;
        private final FileLock lock;
        private final Semaphore semaphore;
        private boolean closed;

        FileLease(String name, FileChannel channel, FileLock lock, Semaphore semaphore) {
            this.name = name;
            this.channel = channel;
            this.lock = lock;
            this.semaphore = semaphore;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public synchronized boolean held() {
            return !closed && lock.isValid();
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel releases it all the same
            }
            closeQuietly(channel);
            semaphore.release();
        }

        @Override
        public String toString() {
            return "lease " + name;
        }
    }
}
