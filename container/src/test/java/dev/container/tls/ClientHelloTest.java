package dev.container.tls;

import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The ClientHello peek that tls-alpn-01 and OCSP stapling rely on, fed with the bytes a real JDK client sends. */
class ClientHelloTest {
    private static ByteBuffer clientHello(String name, String... protocols) throws Exception {
        SSLEngine client = SSLContext.getDefault().createSSLEngine(name, 443);
        client.setUseClientMode(true);
        SSLParameters parameters = client.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(name)));
        parameters.setApplicationProtocols(protocols);
        client.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        client.wrap(ByteBuffer.allocate(0), out);
        return out.flip();
    }

    @Test
    void reads_the_server_name_and_the_offered_protocols() throws Exception {
        ByteBuffer bytes = clientHello("a.test", "acme-tls/1");
        int position = bytes.position();

        ClientHello hello = ClientHello.peek(bytes);

        assertThat(hello.complete()).isTrue();
        assertThat(hello.serverName()).isEqualTo("a.test");
        assertThat(hello.protocols()).containsExactly("acme-tls/1");
        assertThat(hello.statusRequest()).as("the JDK's client asks for a stapled OCSP response").isTrue();
        assertThat(bytes.position()).as("nothing consumed").isEqualTo(position);
    }

    @Test
    void the_first_record_is_complete_once_its_length_has_arrived() throws Exception {
        ByteBuffer bytes = clientHello("c.test");
        int recordLength = 5 + (bytes.getShort(bytes.position() + 3) & 0xffff);

        assertThat(ClientHello.firstRecordComplete(bytes.duplicate().limit(4))).isFalse();
        assertThat(ClientHello.firstRecordComplete(bytes.duplicate().limit(recordLength - 1))).isFalse();
        assertThat(ClientHello.firstRecordComplete(bytes.duplicate().limit(recordLength))).isTrue();
    }

    @Test
    void a_client_hello_cut_short_is_incomplete_until_the_rest_arrives() throws Exception {
        ByteBuffer bytes = clientHello("b.test", "h2", "http/1.1");

        ClientHello part = ClientHello.peek(bytes.duplicate().limit(bytes.limit() / 2));
        ClientHello whole = ClientHello.peek(bytes);

        assertThat(part.complete()).isFalse();
        assertThat(whole.protocols()).containsExactly("h2", "http/1.1");
    }

    @Test
    void bytes_that_are_not_a_handshake_tell_nothing() {
        ClientHello hello = ClientHello.peek(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes()));

        assertThat(hello.complete()).isTrue();
        assertThat(hello.serverName()).isNull();
        assertThat(hello.protocols()).isEmpty();
    }
}
