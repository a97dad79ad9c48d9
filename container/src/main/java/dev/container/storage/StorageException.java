package dev.container.storage;

/**
 * A storage operation failed: an I/O or database error, content that cannot be decrypted with
 * this node's key. The message is one line naming what was being done and to which name.
 */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
