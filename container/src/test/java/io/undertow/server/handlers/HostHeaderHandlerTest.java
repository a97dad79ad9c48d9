package io.undertow.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.Undertow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Our HostHeaderHandler decides every Host value as Undertow 2.3.24's own does: two real raw
 * Undertow servers, one in this class loader (ours, from target/classes) and one in a class loader
 * of Undertow's jars alone (theirs), get the same requests over plain sockets and must answer with
 * the same status line (the reason names the check that refused).
 */
class HostHeaderHandlerTest {
    private static final List<String> HOSTS = List.of(
            "127.0.0.1", "127.0.0.1:8080", "10.0.0.1:1", "255.255.255.255:65535", "256.1.1.1", "1.2.3", "1.2.3.4.5",
            "-192.168.1.1", "01.02.03.04", "localhost", "example.com:443", "Example.COM", "a_b~c!$&'()*+,;=", "",
            ":80", "host:", "host:0", "host:65535", "host:65536", "host:abc", "host:+80", "host:-1", "host:-0",
            "host:0080", "host:000080", "host:99999", "host:100000", "host:99999999999", "host:8a", "host::80",
            "[::1]", "[::1]:80", "[::1]:0", "[::1]:x", "[::1", "[::1:80", "1:2]", "1:2]:80", "[::1]x", "x[::1]", "[::1]]",
            "[::ffff:127.0.0.1]:443", "[2001:db8::1]", "[::g]", "[1:2:3:4:5:6:7:8]", "[1:2:3:4:5:6:7:8:9]",
            "[v1.fe80::a+en1]", "[v1.fe80::a+en1]:80", "[v1.]", "[vz.a]", "[v.a]", "[v1a]", "[v1.a%]", "[v1.a]b", "[]", "]",
            "]:80", "a]:80", "a%41b", "a%41", "%41", "a%4", "a%", "%", "a%zz", "a%4g", "a@b", "user@host:80", "a/b",
            "a\"b", "a{b", "a\u00e9b", "h\u00f6st:80", "a\tb");

    /** Whole requests for what a Host value alone does not show: the header absent or twice, absolute targets. */
    private static final List<String> REQUESTS = List.of(
            "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
            "GET / HTTP/1.0\r\n\r\n",
            "GET / HTTP/1.0\r\nHost: a b\r\n\r\n",
            "GET / HTTP/1.0\r\nHost: host:0\r\n\r\n",
            "GET / HTTP/1.0\r\nHost: example.com\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\nConnection: close\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n",
            "GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n",
            "GET http://example.com:8080/x HTTP/1.1\r\nHost: example.com:8080\r\nConnection: close\r\n\r\n",
            "GET http://example.com/ HTTP/1.1\r\nHost: other.example\r\nConnection: close\r\n\r\n",
            "GET http://example.com/ HTTP/1.1\r\nHost: :80\r\nConnection: close\r\n\r\n",
            "GET http://example.com/ HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n",
            "GET http://[::1]:80/ HTTP/1.1\r\nHost: [::1]:80\r\nConnection: close\r\n\r\n",
            "GET http://[::1]/ HTTP/1.1\r\nHost: [::2]\r\nConnection: close\r\n\r\n",
            "GET http://ex%41mple.com/ HTTP/1.1\r\nHost: ex%41mple.com\r\nConnection: close\r\n\r\n");

    @Test
    void ours_is_the_one_undertow_loads_here_and_not_undertows() throws Exception {
        assertThat(Arrays.stream(HostHeaderHandler.class.getDeclaredFields()).map(Field::getName)).doesNotContain("IP4_EXACT");
        try (URLClassLoader theirs = undertowAlone()) {
            assertThat(Arrays.stream(theirs.loadClass(HostHeaderHandler.class.getName()).getDeclaredFields()).map(Field::getName))
                    .contains("IP4_EXACT");
        }
    }

    @Test
    void every_host_value_is_decided_as_undertows_own_handler_decides_it() throws Exception {
        List<String> requests = new ArrayList<>();
        for (String host : HOSTS) {
            requests.add("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
        }
        requests.addAll(REQUESTS);

        Map<String, String> ours = new LinkedHashMap<>();
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(ResponseCodeHandler.HANDLE_200).build();
        server.start();
        try {
            int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
            for (String request : requests) {
                ours.put(request, statusLine(port, request));
            }
        } finally {
            server.stop();
        }

        Map<String, String> theirs = new LinkedHashMap<>();
        try (URLClassLoader loader = undertowAlone()) {
            Object undertow = startPlainUndertow(loader);
            try {
                int port = port(undertow);
                for (String request : requests) {
                    theirs.put(request, statusLine(port, request));
                }
            } finally {
                undertow.getClass().getMethod("stop").invoke(undertow);
            }
        }

        assertThat(ours).isEqualTo(theirs);
        // the table reaches every check, and accepts too (or the comparison would prove little)
        assertThat(ours.values()).contains("HTTP/1.1 200 OK",
                "HTTP/1.1 400 " + HostHeaderHandler.STATUS_NO_HOST_HEADER,
                "HTTP/1.1 400 " + HostHeaderHandler.STATUS_TOO_MANY_HOST_HEADERS,
                "HTTP/1.1 400 " + HostHeaderHandler.STATUS_MALFORMED_PORT,
                "HTTP/1.1 400 " + HostHeaderHandler.STATUS_MALFORMED_IP_LITERAL,
                "HTTP/1.1 400 " + HostHeaderHandler.STATUS_MALFORMED_IP_LITERAL_BAD_CHARS,
                "HTTP/1.1 400 " + HostHeaderHandler.STATUS_HOST_NO_MATCH);
        assertThat(ours.get("GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: close\r\n\r\n")).isEqualTo("HTTP/1.1 200 OK");
        assertThat(ours.get("GET / HTTP/1.1\r\nHost: host:65536\r\nConnection: close\r\n\r\n"))
                .isEqualTo("HTTP/1.1 400 " + HostHeaderHandler.STATUS_MALFORMED_PORT);
    }

    /** Undertow's jars and what they need, without target/classes: Undertow's own HostHeaderHandler. */
    private static URLClassLoader undertowAlone() throws Exception {
        List<URL> jars = new ArrayList<>();
        for (String name : List.of("io.undertow.Undertow", "org.xnio.Xnio", "org.xnio.nio.NioXnioProvider",
                "org.jboss.logging.Logger", "org.jboss.threads.EnhancedQueueExecutor", "org.wildfly.common.Assert",
                "io.smallrye.common.annotation.RunOnVirtualThread", "io.smallrye.common.constraint.NotNull",
                "io.smallrye.common.cpu.CacheType", "io.smallrye.common.function.ExceptionConsumer")) {
            URL jar = Class.forName(name).getProtectionDomain().getCodeSource().getLocation();
            if (!jars.contains(jar)) {
                jars.add(jar);
            }
        }
        return new URLClassLoader("undertow-alone", jars.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    private static Object startPlainUndertow(ClassLoader loader) throws Exception {
        Object builder = loader.loadClass("io.undertow.Undertow").getMethod("builder").invoke(null);
        Class<?> builderType = builder.getClass();
        builderType.getMethod("addHttpListener", int.class, String.class).invoke(builder, 0, "127.0.0.1");
        Object handler = loader.loadClass(ResponseCodeHandler.class.getName()).getField("HANDLE_200").get(null);
        builderType.getMethod("setHandler", loader.loadClass("io.undertow.server.HttpHandler")).invoke(builder, handler);
        Object undertow = builderType.getMethod("build").invoke(builder);
        undertow.getClass().getMethod("start").invoke(undertow);
        return undertow;
    }

    private static int port(Object undertow) throws Exception {
        Object info = ((List<?>) undertow.getClass().getMethod("getListenerInfo").invoke(undertow)).get(0);
        return ((InetSocketAddress) info.getClass().getMethod("getAddress").invoke(info)).getPort();
    }

    /** The response's status line, or "(closed)" when the server closed without one. */
    private static String statusLine(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            try {
                in.transferTo(response);
            } catch (IOException e) {
                // reset after the response: keep what came
            }
            String text = response.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n");
            return end < 0 ? "(closed) " + text : text.substring(0, end);
        }
    }
}
