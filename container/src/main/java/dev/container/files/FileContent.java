package dev.container.files;

import io.undertow.io.IoCallback;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.resource.PathResource;
import io.undertow.server.handlers.resource.PathResourceManager;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * One file's bytes as a response body: from memory when {@link SmallFileCache} holds them, else
 * from disk through Undertow's PathResource, which hands whole files of at least the manager's
 * transfer size to the connection as a FileChannel (sendfile on plain HTTP). Single use.
 */
final class FileContent {
    private final byte[] memory;
    private final PathResource disk;

    private FileContent(byte[] memory, PathResource disk) {
        this.memory = memory;
        this.disk = disk;
    }

    static FileContent inMemory(byte[] bytes) {
        return new FileContent(bytes, null);
    }

    static FileContent onDisk(Path file, PathResourceManager manager) {
        return new FileContent(null, new PathResource(file, manager, file.toString()));
    }

    void sendAll(HttpServerExchange exchange, IoCallback done) {
        if (memory != null) {
            exchange.getResponseSender().send(ByteBuffer.wrap(memory), done);
        } else {
            disk.serve(exchange.getResponseSender(), exchange, done);
        }
    }

    void sendRange(HttpServerExchange exchange, ByteRanges.Range range, IoCallback done) {
        if (memory != null) {
            exchange.getResponseSender().send(ByteBuffer.wrap(memory, (int) range.first(), (int) range.length()), done);
        } else {
            disk.serveRange(exchange.getResponseSender(), exchange, range.first(), range.last(), done);
        }
    }
}
