/*
 * JBoss, Home of Professional Open Source.
 * Copyright 2025 Red Hat, Inc., and individual contributors
 * as indicated by the @author tags.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 *  Unless required by applicable law or agreed to in writing, software
 *  distributed under the License is distributed on an "AS IS" BASIS,
 *  WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 *  See the License for the specific language governing permissions and
 *  limitations under the License.
 */
package io.undertow.server.handlers;

import io.undertow.server.HandlerWrapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.NetworkUtils;
import io.undertow.util.Protocols;
import io.undertow.util.StatusCodes;
import java.util.regex.Pattern;

/**
 * Ours, replacing Undertow 2.3.24's class of the same name (the shaded jar leaves Undertow's
 * copy out): the Host header check that {@code HttpReadListener} wraps around every HTTP/1.1
 * request, with the same public API and the same decision, status and reason for every value.
 * Undertow's matched each host against the IPv4-literal regex first, 18% of the hello servlet's
 * CPU (issue 17); that branch decided nothing, since a string it matches is digits and dots, all
 * of which the reg-name check after it accepts. This one has no IPv4 regex, parses the port
 * without a substring and checks the host in place; bracketed IP literals (rare) take Undertow's
 * code unchanged. {@code HostHeaderHandlerTest} compares the decisions with Undertow's own class.
 */
public class HostHeaderHandler implements HttpHandler {

    public static final HandlerWrapper WRAPPER = new Wrapper();

    public static final String STATUS_NO_HOST_HEADER = "No Host Header";
    public static final String STATUS_TOO_MANY_HOST_HEADERS = "Only One Host Header Allowed";
    public static final String STATUS_MALFORMED_PORT = "Host Header Malformed Port";
    public static final String STATUS_MALFORMED_IP_LITERAL = "Host Header Malformed IP-Literal";
    public static final String STATUS_MALFORMED_IP_LITERAL_BAD_CHARS = "Host Header Bad Characters";
    public static final String STATUS_HOST_NO_MATCH = "URI Host Header NO MATCH";
    private static final Pattern IP6_EXACT = Pattern.compile(NetworkUtils.IP6_EXACT);
    private static final boolean[] ALLOWED_REGNAME_CHARACTERS = new boolean[256];
    private static final boolean[] HEX_CHARACTERS = new boolean[256];
    // the reg-name characters and ':'
    private static final boolean[] ALLOWED_IPv_FUTURE_CHARACTERS = new boolean[256];

    static {
        // reg-name = *( unreserved / pct-encoded / sub-delims )
        // ALPHA / DIGIT / "-" / "." / "_" / "~" , %%, and "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="
        for (int i = 0; i < ALLOWED_REGNAME_CHARACTERS.length; ++i) {
            boolean allowed = (i >= '0' && i <= '9') || (i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z')
                    || "-._~!$&'()*+,;=".indexOf(i) >= 0;
            ALLOWED_REGNAME_CHARACTERS[i] = allowed;
            ALLOWED_IPv_FUTURE_CHARACTERS[i] = allowed;
            HEX_CHARACTERS[i] = (i >= '0' && i <= '9') || (i >= 'a' && i <= 'f') || (i >= 'A' && i <= 'F');
        }
        ALLOWED_IPv_FUTURE_CHARACTERS[':'] = true;
    }

    private final HttpHandler next;

    public HostHeaderHandler(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        // 400 if in case of no Host header or more than one: https://datatracker.ietf.org/doc/html/rfc7230#section-5.4
        // 400 if value violate rules. Host = uri-host [ ":" port ]
        // uri-host https://datatracker.ietf.org/doc/html/rfc3986#section-3.2.2
        // port https://datatracker.ietf.org/doc/html/rfc3986#section-3.2.3
        final HeaderValues headerValues = exchange.getRequestHeaders().get(Headers.HOST);
        if (headerValues == null) {
            final HttpString protocol = exchange.getProtocol();
            if (protocol.equals(Protocols.HTTP_0_9) || protocol.equals(Protocols.HTTP_1_0)) {
                next.handleRequest(exchange);
            } else {
                terminate(exchange, STATUS_NO_HOST_HEADER);
            }
            return;
        }
        final String failure = headerValues.size() == 0 ? STATUS_NO_HOST_HEADER
                : headerValues.size() > 1 ? STATUS_TOO_MANY_HOST_HEADERS
                : failure(headerValues.element(), exchange);
        if (failure != null) {
            terminate(exchange, failure);
            return;
        }
        next.handleRequest(exchange);
    }

    /** The reason Undertow's check refuses one Host header value with, or null if it passes. */
    static String failure(String headerValue, HttpServerExchange exchange) {
        // uri-host [ ":" port ]; an IP-literal contains ':' too, so the port is found first
        final int rightBracketIndex = headerValue.lastIndexOf(']');
        final int lastColonIndex = headerValue.lastIndexOf(':');
        final int hostEnd;
        if (rightBracketIndex < lastColonIndex) {
            // IP-literal = "[" ( IPv6address / IPvFuture ) "]" - without right bracket
            if (rightBracketIndex == -1 && headerValue.startsWith("[")) {
                return STATUS_MALFORMED_IP_LITERAL;
            }
            if (!validPort(headerValue, lastColonIndex + 1)) {
                return STATUS_MALFORMED_PORT;
            }
            hostEnd = lastColonIndex;
        } else {
            hostEnd = headerValue.length();
        }

        if (rightBracketIndex > 0) {
            final String failure = ipLiteralFailure(headerValue.substring(0, hostEnd));
            if (failure != null) {
                return failure;
            }
        } else {
            // reg-name, a superset of IPv4address (DIGIT and "."): only its characters and percent-encoding are checked
            for (int index = 0; index < hostEnd; index++) {
                final char c = headerValue.charAt(index);
                if (c == '%') {
                    // we need at least two more that are HEX
                    if (index + 2 < hostEnd) {
                        char c1 = headerValue.charAt(++index);
                        char c2 = headerValue.charAt(++index);
                        if (!(HEX_CHARACTERS[c1] && HEX_CHARACTERS[c2])) {
                            return STATUS_MALFORMED_IP_LITERAL_BAD_CHARS;
                        }
                    } else {
                        return STATUS_MALFORMED_IP_LITERAL;
                    }
                } else if (!ALLOWED_REGNAME_CHARACTERS[c]) {
                    return STATUS_MALFORMED_IP_LITERAL_BAD_CHARS;
                }
            }
        }
        // userinfo ("@") has failed above; an absolute or authority request-target must contain the host
        if (exchange.isHostIncludedInRequestURI()) {
            final String hostHeaderURI = headerValue.substring(0, hostEnd);
            if (!exchange.getRequestURI().contains(hostHeaderURI) || hostHeaderURI.isEmpty()) {
                return STATUS_HOST_NO_MATCH;
            }
        }
        return null;
    }

    /** Whether Integer.parseInt takes the port after from and it is 1..65535; plain ASCII digits without parsing a substring. */
    private static boolean validPort(String headerValue, int from) {
        final int length = headerValue.length() - from;
        if (length > 0 && length <= 5) {
            int port = 0;
            for (int i = from; i < headerValue.length(); i++) {
                final char c = headerValue.charAt(i);
                if (c < '0' || c > '9') {
                    return parsedPort(headerValue, from);
                }
                port = port * 10 + (c - '0');
            }
            return port > 0 && port <= 65535;
        }
        return parsedPort(headerValue, from);
    }

    // Undertow's own way, for what is not 1 to 5 ASCII digits: a sign, leading zeros, other Unicode digits
    private static boolean parsedPort(String headerValue, int from) {
        try {
            final int port = Integer.parseInt(headerValue.substring(from));
            return port > 0 && port <= 65535;
        } catch (NumberFormatException nfe) {
            return false;
        }
    }

    /** Undertow's check of a host with a ']' after its first character, unchanged. */
    private static String ipLiteralFailure(String hostHeaderURI) {
        if (hostHeaderURI.indexOf('[') != 0) {
            // 1:2:4]*
            return STATUS_MALFORMED_IP_LITERAL;
        }
        // IP-literal = "[" ( IPv6address / IPvFuture ) "]"
        // IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
        final String debracked = hostHeaderURI.substring(1, hostHeaderURI.length() - 1);
        if (debracked.startsWith("v")) {
            final int dotIndex = debracked.indexOf(".");
            if (dotIndex < 2) {
                // we need at least one HEX
                return STATUS_MALFORMED_IP_LITERAL;
            }
            final String hex = debracked.substring(1, dotIndex);
            for (int i = 0; i < hex.length(); i++) {
                if (!HEX_CHARACTERS[hex.charAt(i)]) {
                    return STATUS_MALFORMED_IP_LITERAL_BAD_CHARS;
                }
            }
            if (dotIndex + 1 >= debracked.length()) {
                // we need some character behind dot.
                return STATUS_MALFORMED_IP_LITERAL;
            }
            for (int i = dotIndex + 1; i < debracked.length(); i++) {
                if (!ALLOWED_IPv_FUTURE_CHARACTERS[debracked.charAt(i)]) {
                    return STATUS_MALFORMED_IP_LITERAL_BAD_CHARS;
                }
            }
        } else if (!IP6_EXACT.matcher(debracked).matches()) {
            // IPv6, and IPv6 with an embedded IPv4
            return STATUS_MALFORMED_IP_LITERAL;
        }
        return null;
    }

    private void terminate(final HttpServerExchange exchange, final String message) {
        exchange.setStatusCode(StatusCodes.BAD_REQUEST);
        exchange.setResponseContentLength(0);
        exchange.getResponseHeaders().add(Headers.CONNECTION, Headers.CLOSE.toString());
        exchange.setReasonPhrase(message);
        exchange.endExchange();
    }

    /**
     * Wraps each request's root handler (HttpReadListener calls it per request) in a new handler, as
     * Undertow's does. Not cached: a static wrapper that kept the last root would keep a stopped
     * server's whole handler tree, its apps' class loaders with it (DataSourceTest's leak check).
     */
    private static final class Wrapper implements HandlerWrapper {
        @Override
        public HttpHandler wrap(HttpHandler handler) {
            return new HostHeaderHandler(handler);
        }
    }
}
