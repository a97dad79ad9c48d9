package dev.container.config;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * The key that encrypts the private keys a shared storage keeps in the database (AES-256-GCM):
 * 32 bytes, written as base64 in a file ({@code storage.key-file}) or in the environment variable
 * {@link #VARIABLE}, never beside the data it protects. Make one with {@code openssl rand -base64 32}.
 * Equal when the bytes are; never printed. Immutable.
 */
public final class StorageKey {
    /** The environment variable read when the storage section names no key-file. */
    public static final String VARIABLE = "CONTAINER_STORAGE_KEY";
    /** AES-256. */
    public static final int LENGTH = 32;
    /** How to make one, for messages. */
    public static final String HOW_TO_MAKE = "openssl rand -base64 32";

    private final byte[] bytes;
    private final String source;

    private StorageKey(byte[] bytes, String source) {
        this.bytes = bytes;
        this.source = source;
    }

    /** A key of 32 raw bytes, from source (for messages: "key-file /etc/container/storage.key"). */
    public static StorageKey of(byte[] bytes, String source) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a storage key has " + LENGTH + " bytes, got " + bytes.length);
        }
        return new StorageKey(bytes.clone(), source);
    }

    /**
     * The key written as base64 (surrounding white space ignored), or an IllegalArgumentException
     * saying in one line what is wrong with it (without quoting it: it is a secret).
     */
    public static StorageKey parse(String base64, String source) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected the base64 of " + LENGTH + " random bytes (make one with "
                    + HOW_TO_MAKE + "), but it is not base64");
        }
        if (decoded.length != LENGTH) {
            throw new IllegalArgumentException("expected the base64 of " + LENGTH + " random bytes (make one with "
                    + HOW_TO_MAKE + "), but it holds " + decoded.length + " bytes");
        }
        return new StorageKey(decoded, source);
    }

    /** A copy of the key's bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Where it came from: "key-file /etc/container/storage.key" or "CONTAINER_STORAGE_KEY". */
    public String source() {
        return source;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StorageKey k && MessageDigest.isEqual(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "StorageKey[from " + source + "]";
    }
}
