package dev.container.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.protocols.alpn.ALPNManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.Test;

/** Undertow finds ConscryptAlpn through its ServiceLoader and picks it for Conscrypt's engines only. */
class ConscryptAlpnTest {
    @Test
    void undertow_takes_it_for_conscrypt_engines_and_its_own_for_the_jdks() throws Exception {
        SSLContext conscrypt = SSLContext.getInstance("TLS", Conscrypt.newProvider());
        conscrypt.init(null, null, null);
        SSLContext jdk = SSLContext.getInstance("TLS", "SunJSSE");
        jdk.init(null, null, null);
        SSLEngine engine = conscrypt.createSSLEngine();

        assertThat(ALPNManager.INSTANCE.getProvider(engine)).isInstanceOf(ConscryptAlpn.class);
        assertThat(ALPNManager.INSTANCE.getProvider(jdk.createSSLEngine())).isNotInstanceOf(ConscryptAlpn.class);
        assertThat(ALPNManager.INSTANCE.getProvider(engine).setProtocols(engine, new String[] {"h2", "http/1.1"}))
                .isSameAs(engine);
        assertThat(Conscrypt.getApplicationProtocols(engine)).containsExactly("h2", "http/1.1");
    }
}
