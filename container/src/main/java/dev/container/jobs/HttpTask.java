package dev.container.jobs;

import dev.container.config.Header;
import dev.container.config.JobSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.quartz.JobExecutionContext;

/**
 * An http job: one request to the container's own apps, through its first plain-HTTP listener on
 * the loopback address, as App Engine's cron calls its app. Status below 400 is success.
 *
 * <p>Written as plain HTTP/1.0 over a socket rather than with java.net.http, because the request
 * must carry the Host header of a virtual host, which java.net.http refuses to set; HTTP/1.0 also
 * means the response ends when the connection does, with no chunked coding to undo.
 */
final class HttpTask implements Task {
    /** The history keeps this much of a response body. */
    private static final int MAX_BODY = Tail.DEFAULT_LIMIT;
    /** How often a blocked read looks at the deadline and at an interrupt. */
    private static final int POLL_MILLIS = 200;

    private final JobSpec.CallHttp call;
    private final JobContext context;

    HttpTask(JobSpec.CallHttp call, JobContext context) {
        this.call = call;
        this.context = context;
    }

    @Override
    public Outcome run(Duration timeout, JobExecutionContext quartz) throws IOException, InterruptedException {
        Optional<InetSocketAddress> address = context.plainHttp();
        if (address.isEmpty()) {
            return Outcome.failed("no plain-HTTP listener to call the apps through", "");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] body = call.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder()
                .append(call.method()).append(' ').append(call.path()).append(" HTTP/1.0\r\n")
                .append("Host: ").append(context.hostHeader(call.host())).append("\r\n")
                .append("User-Agent: container-job\r\n");
        for (Header h : call.headers()) {
            request.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        if (body.length > 0 || !call.method().equals("GET")) {
            request.append("Content-Length: ").append(body.length).append("\r\n");
        }
        request.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(address.get(), (int) Math.max(1, Math.min(timeout.toMillis(), Integer.MAX_VALUE)));
            socket.setSoTimeout(POLL_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            while (true) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (System.nanoTime() > deadline) {
                    return Outcome.timedOut("no complete response after " + timeout.toMillis() + " ms", excerpt(response));
                }
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (n < 0) {
                    break;
                }
                if (response.size() < 64 * 1024) {
                    response.write(buffer, 0, n);
                }
            }
            return outcome(response);
        }
    }

    private static Outcome outcome(ByteArrayOutputStream response) {
        String text = response.toString(StandardCharsets.ISO_8859_1);
        int lineEnd = text.indexOf("\r\n");
        String statusLine = lineEnd < 0 ? text : text.substring(0, lineEnd);
        String[] parts = statusLine.split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(parts.length > 1 ? parts[1] : "");
        } catch (NumberFormatException e) {
            return Outcome.failed("not an HTTP response: '" + statusLine + "'", "");
        }
        String detail = "HTTP " + status;
        String body = excerpt(response);
        return status < 400 ? Outcome.ok(detail, body) : Outcome.failed(detail, body);
    }

    /** The body (after the headers) as UTF-8, cut to what the history keeps. */
    private static String excerpt(ByteArrayOutputStream response) {
        byte[] bytes = response.toByteArray();
        String head = new String(bytes, StandardCharsets.ISO_8859_1);
        int start = head.indexOf("\r\n\r\n");
        if (start < 0) {
            return "";
        }
        String body = new String(bytes, start + 4, bytes.length - start - 4, StandardCharsets.UTF_8);
        return body.length() > MAX_BODY ? body.substring(0, MAX_BODY) + "..." : body;
    }
}
