package dev.container.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager that hands Conscrypt its own (BoringSSL) copy of each private key. Given a JDK
 * key, Conscrypt re-encodes it and BoringSSL parses it again on every handshake (for EC that
 * includes deriving the public point, for RSA building its Montgomery contexts on first use); a
 * key from Conscrypt's KeyFactory is used as it is. Everything else is the delegate's. The
 * copies are made on first use of an alias and remembered while the delegate returns the same
 * key object for it (a new certificate snapshot has new aliases and new keys). Thread-safe.
 */
final class NativeKeys extends X509ExtendedKeyManager {
    /**
     * Beyond this many remembered aliases (reloads keep making new ones), start again: twice the
     * keys a {@link KeyCache} holds, so a server with as many certificates never converts a key per handshake.
     */
    private static final int MAX_REMEMBERED = 2 * KeyCache.DEFAULT_CAPACITY;

    private record Converted(PrivateKey original, PrivateKey nativeKey) {
    }

    private final X509ExtendedKeyManager delegate;
    private final Provider conscrypt;
    private final Map<String, Converted> byAlias = new ConcurrentHashMap<>();

    NativeKeys(X509ExtendedKeyManager delegate, Provider conscrypt) {
        this.delegate = delegate;
        this.conscrypt = conscrypt;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        PrivateKey key = delegate.getPrivateKey(alias);
        if (key == null) {
            return null;
        }
        Converted known = byAlias.get(alias);
        if (known != null && known.original() == key) {
            return known.nativeKey();
        }
        PrivateKey converted = convert(key);
        if (byAlias.size() >= MAX_REMEMBERED) {
            byAlias.clear();
        }
        byAlias.put(alias, new Converted(key, converted));
        return converted;
    }

    /** Conscrypt's copy of key, or key itself where Conscrypt cannot take it (it then converts per handshake as before). */
    private PrivateKey convert(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat()) || key.getEncoded() == null) {
            return key;
        }
        try {
            return KeyFactory.getInstance(key.getAlgorithm(), conscrypt)
                    .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException | RuntimeException e) {
            return key;
        }
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate.getCertificateChain(alias);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.chooseEngineClientAlias(keyType, issuers, engine);
    }
}
