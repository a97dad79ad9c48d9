package dev.container.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.LongAdder;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

/**
 * A request body read through this is counted as it is read: for bodies whose length no
 * Content-Length declares (chunked, or HTTP/2 DATA frames without one). Used by {@link RequestDurations}
 * for those requests only; a body with a Content-Length is counted by that. Thread-safe as far as its
 * conduit is (one reader at a time); the count is a shared {@link LongAdder}.
 */
final class CountingSourceConduit extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private final LongAdder bytes;

    CountingSourceConduit(StreamSourceConduit next, LongAdder bytes) {
        super(next);
        this.bytes = bytes;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return counted(next.read(dst));
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        return counted(next.read(dsts, offs, len));
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        return counted(next.transferTo(position, count, target));
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        long n = next.transferTo(count, throughBuffer, target);
        // what is left in throughBuffer was read too, for the caller to write before it calls again
        long read = Math.max(n, 0) + throughBuffer.remaining();
        if (read > 0) {
            bytes.add(read);
        }
        return n;
    }

    private int counted(int n) {
        if (n > 0) {
            bytes.add(n);
        }
        return n;
    }

    private long counted(long n) {
        if (n > 0) {
            bytes.add(n);
        }
        return n;
    }
}
