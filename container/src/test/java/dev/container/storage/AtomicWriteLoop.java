package dev.container.storage;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A process for {@link AtomicFilesKillTest} to kill: writes FILE over and over with AtomicFiles,
 * alternately 1 MiB of 'a' and of 'b', printing "wrote N" after each write.
 */
public final class AtomicWriteLoop {
    private AtomicWriteLoop() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        byte[] a = new byte[1 << 20];
        byte[] b = new byte[1 << 20];
        Arrays.fill(a, (byte) 'a');
        Arrays.fill(b, (byte) 'b');
        for (long n = 1; ; n++) {
            AtomicFiles.write(file, n % 2 == 0 ? a : b, true);
            System.out.println("wrote " + n);
            System.out.flush();
        }
    }
}
