package dev.container.deploy;

import io.undertow.connector.ByteBufferPool;
import java.util.function.Supplier;
import org.xnio.XnioWorker;

/**
 * The server's I/O threads and buffers, shared with every app for what runs outside the servlet
 * request path (WebSocket connections). {@code worker} may answer null until the server listens.
 */
public record IoResources(Supplier<XnioWorker> worker, ByteBufferPool buffers) {
}
