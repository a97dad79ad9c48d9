package dev.container.probe;

import java.util.List;

/** Methods (RFC 9110 section 9): case-sensitive names, TRACE refused, OPTIONS * answered, unknown ones not 500. */
final class MethodProbes {
    private MethodProbes() {
    }

    static List<Probe> all() {
        return List.of(
                new Probe("method.lowercase", "get (lower case) is not GET: methods are case-sensitive", t -> {
                    Exchange x = Exchange.run(t, t.anyHttp1(), "get " + t.file() + " HTTP/1.1\r\nHost: " + t.host() + "\r\n\r\n");
                    boolean ok = x.finals().size() == 1 && List.of(400, 405, 501).contains(x.finals().get(0).status());
                    return Outcome.of(ok, x.describe() + (ok ? "" : " (expected 400, 405 or 501)"));
                }),
                new Probe("method.unknown", "an unknown method (FOO) gets 405 or 501, not 500", t -> {
                    Exchange x = Exchange.run(t, t.anyHttp1(), "FOO " + t.file() + " HTTP/1.1\r\nHost: " + t.host() + "\r\n\r\n");
                    boolean ok = x.finals().size() == 1 && List.of(405, 501).contains(x.finals().get(0).status());
                    return Outcome.of(ok, x.describe() + (ok ? "" : " (expected 405 or 501)"));
                }),
                new Probe("method.trace", "TRACE is refused and nothing of the request is echoed", t -> {
                    Exchange x = Exchange.run(t, t.anyHttp1(), "TRACE " + t.file() + " HTTP/1.1\r\nHost: " + t.host()
                            + "\r\nX-Probe-Secret: trace-me\r\n\r\n");
                    boolean echoed = x.replies().stream().anyMatch(r -> r.body().contains("trace-me"));
                    boolean ok = x.finals().size() == 1 && List.of(405, 501).contains(x.finals().get(0).status()) && !echoed;
                    return Outcome.of(ok, x.describe() + (echoed ? ", request echoed" : "") + (ok ? "" : " (expected 405 or 501)"));
                }),
                new Probe("method.trace-app", "TRACE to an app is refused and nothing of the request is echoed", t -> {
                    Exchange x = Exchange.run(t, t.anyHttp1(), "TRACE " + t.sink() + " HTTP/1.1\r\nHost: " + t.host()
                            + "\r\nX-Probe-Secret: trace-me\r\n\r\n");
                    boolean echoed = x.replies().stream().anyMatch(r -> r.body().contains("trace-me"));
                    boolean ok = x.finals().size() == 1 && List.of(405, 501).contains(x.finals().get(0).status()) && !echoed;
                    return Outcome.of(ok, x.describe() + (echoed ? ", request echoed" : "") + (ok ? "" : " (expected 405 or 501)"));
                }),
                new Probe("method.options-star", "OPTIONS * is answered (200 or 204)", t -> {
                    Exchange x = Exchange.run(t, t.anyHttp1(), "OPTIONS * HTTP/1.1\r\nHost: " + t.host() + "\r\n\r\n");
                    boolean ok = x.finals().size() == 1 && List.of(200, 204).contains(x.finals().get(0).status());
                    return Outcome.of(ok, x.describe() + x.finals().stream().findFirst().flatMap(r -> r.header("allow"))
                            .map(a -> ", Allow: " + a).orElse(""));
                }),
                new Probe("method.connect", "CONNECT (this is not a proxy) is refused", t -> {
                    Exchange x = Exchange.run(t, t.anyHttp1(), "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
                    boolean ok = x.finals().size() == 1 && List.of(400, 405, 501).contains(x.finals().get(0).status());
                    return Outcome.of(ok, x.describe() + (ok ? "" : " (expected 400, 405 or 501)"));
                }),
                new Probe("method.absolute-form", "an absolute-form target whose host differs from Host is refused", t -> {
                    Exchange x = Exchange.run(t, t.anyHttp1(), "GET http://other.example" + t.file() + " HTTP/1.1\r\nHost: "
                            + t.host() + "\r\n\r\n");
                    return x.expectRejected(400);
                }));
    }
}
