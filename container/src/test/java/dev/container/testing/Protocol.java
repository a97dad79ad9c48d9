package dev.container.testing;

import java.net.http.HttpClient;

/** The HTTP version a test speaks; over plain TCP HTTP/2 is reached by the h2c upgrade. */
public enum Protocol {
    HTTP_1_1(HttpClient.Version.HTTP_1_1),
    HTTP_2(HttpClient.Version.HTTP_2);

    private final HttpClient.Version version;

    Protocol(HttpClient.Version version) {
        this.version = version;
    }

    public HttpClient.Version version() {
        return version;
    }
}
