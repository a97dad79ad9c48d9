package dev.container.storage;

/** {@link Storage#lock} waited as long as it was told to, and another holder still had the lock. */
public class LockTimeoutException extends StorageException {
    public LockTimeoutException(String message) {
        super(message);
    }
}
