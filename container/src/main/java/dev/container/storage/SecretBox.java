package dev.container.storage;

import dev.container.config.StorageKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets for the database with the storage key: AES-256-GCM (the JDK's), a random
 * 96-bit nonce per write, the secret's name as associated data (so a row copied under another
 * name does not decrypt). Sealed form: a version byte (1), the key's 8-byte fingerprint (a hash
 * of the key, not the key: tells "another key" from "damaged"), the nonce, the ciphertext with
 * its 128-bit tag. Thread-safe (a Cipher per call).
 */
final class SecretBox {
    private static final byte VERSION = 1;
    private static final int FINGERPRINT = 8;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    /** The bytes a sealed secret has beyond its plaintext. */
    static final int OVERHEAD = 1 + FINGERPRINT + NONCE + TAG_BITS / 8;

    private final SecretKeySpec key;
    private final byte[] fingerprint;
    private final String source;
    private final SecureRandom random = new SecureRandom();

    SecretBox(StorageKey storageKey) {
        byte[] bytes = storageKey.bytes();
        this.key = new SecretKeySpec(bytes, "AES");
        this.fingerprint = fingerprint(bytes);
        Arrays.fill(bytes, (byte) 0);
        this.source = storageKey.source();
    }

    /** The key's fingerprint, in hex, for messages. */
    String fingerprint() {
        return HexFormat.of().formatHex(fingerprint);
    }

    byte[] seal(String name, byte[] plain) {
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(1 + FINGERPRINT + NONCE + sealed.length)
                    .put(VERSION).put(fingerprint).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new StorageException("cannot encrypt " + name + ": " + e, e);
        }
    }

    /** The plaintext of a sealed secret; a StorageException saying why not (another key, damage). */
    byte[] open(String name, byte[] sealed) {
        if (sealed.length < OVERHEAD || sealed[0] != VERSION) {
            throw new StorageException("cannot decrypt the secret " + name + ": not in the form this version writes");
        }
        byte[] theirs = Arrays.copyOfRange(sealed, 1, 1 + FINGERPRINT);
        if (!MessageDigest.isEqual(theirs, fingerprint)) {
            throw new StorageException("cannot decrypt the secret " + name + ": it was stored with another storage key"
                    + " (fingerprint " + HexFormat.of().formatHex(theirs) + "; this node's, from " + source + ", is "
                    + fingerprint() + "): every node needs the same key");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1 + FINGERPRINT, NONCE));
            cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            int start = 1 + FINGERPRINT + NONCE;
            return cipher.doFinal(sealed, start, sealed.length - start);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new StorageException("cannot decrypt the secret " + name + ": it is damaged, or was stored under"
                    + " another name (the authentication tag does not match)", e);
        } catch (GeneralSecurityException e) {
            throw new StorageException("cannot decrypt the secret " + name + ": " + e, e);
        }
    }

    private static byte[] fingerprint(byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("container storage key fingerprint".getBytes(StandardCharsets.US_ASCII));
            return Arrays.copyOf(sha.digest(key), FINGERPRINT);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
