package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.config.CertSpec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stapling engine on its own, fed a real JDK client's ClientHello: it looks at the whole
 * ClientHello once, before the Conscrypt engine reads a byte. (On the server, Undertow's ALPN layer
 * already holds back a ClientHello that has not fully arrived; the engine does not rely on it.)
 */
class StaplingEngineTest {
    @TempDir
    Path dir;

    private static ByteBuffer clientHello(String name) throws Exception {
        SSLEngine client = SSLContext.getDefault().createSSLEngine(name, 443);
        client.setUseClientMode(true);
        SSLParameters parameters = client.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(name)));
        client.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        client.wrap(ByteBuffer.allocate(0), out);
        return out.flip();
    }

    private SSLEngine conscryptServerEngine() throws Exception {
        var cert = TestCerts.write(dir, "a", "EC", "a.test");
        CertificateStore store = new CertificateStore(List.of(new CertSpec(cert.cert(), cert.key())));
        SSLContext context = SSLContext.getInstance("TLS", Conscrypt.newProvider());
        context.init(new KeyManager[] {new SniKeyManager(store)}, null, null);
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }

    @Test
    void waits_for_the_whole_first_record_then_asks_once_and_lets_the_engine_read_it() throws Exception {
        List<ClientHello> asked = new ArrayList<>();
        StaplingEngine engine = new StaplingEngine(conscryptServerEngine(), hello -> {
            asked.add(hello);
            return null;
        });
        ByteBuffer hello = clientHello("a.test");
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());

        SSLEngineResult first = engine.unwrap(hello.duplicate().limit(hello.position() + 3), out);
        SSLEngineResult second = engine.unwrap(hello, out);

        assertThat(first.getStatus()).isEqualTo(SSLEngineResult.Status.BUFFER_UNDERFLOW);
        assertThat(first.bytesConsumed()).isZero();
        assertThat(second.getStatus()).isEqualTo(SSLEngineResult.Status.OK);
        assertThat(second.bytesConsumed()).isPositive();
        assertThat(asked).singleElement().satisfies(h -> {
            assertThat(h.serverName()).isEqualTo("a.test");
            assertThat(h.statusRequest()).isTrue();
        });
    }

    @Test
    void the_certificate_foreseen_for_a_name_is_the_one_a_handshake_would_pick() throws Exception {
        var rsa = TestCerts.write(dir, "rsa", "RSA", "a.test");
        var ec = TestCerts.write(dir, "ec", "EC", "a.test");
        var other = TestCerts.write(dir, "other", "RSA", "b.test");
        CertificateStore store = new CertificateStore(List.of(new CertSpec(rsa.cert(), rsa.key()),
                new CertSpec(ec.cert(), ec.key()), new CertSpec(other.cert(), other.key())));
        SniKeyManager keys = new SniKeyManager(store);

        assertThat(keys.served(hello("a.test")).leaf()).isEqualTo(ec.certificate());
        assertThat(keys.served(hello("b.test")).leaf()).isEqualTo(other.certificate());
        assertThat(keys.served(hello(null)).leaf()).as("no SNI: the first").isEqualTo(rsa.certificate());
        assertThat(keys.served(hello("c.test")).leaf()).as("unknown: the first").isEqualTo(rsa.certificate());
    }

    private static ClientHello hello(String name) {
        return new ClientHello(true, name, List.of(), true);
    }
}
