package dev.container.storage;

/**
 * The storage cannot be reached now: the database is down, unreachable, or every connection of
 * the pool is busy past its timeout. It passes: the caller keeps what it has (the certificates it
 * serves) and tries again later; a request that needs the storage answers 503.
 */
public class StorageUnavailableException extends StorageException {
    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
