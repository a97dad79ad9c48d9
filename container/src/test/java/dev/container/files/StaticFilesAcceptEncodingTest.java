package dev.container.files;

import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StaticFilesAcceptEncodingTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "gzip, deflate, br        | br gzip",
            "gzip                     | gzip",
            "x-gzip                   | gzip",
            "br;q=0.5, gzip;q=0.8     | gzip br",
            "br;q=1, gzip;q=1         | br gzip",
            "*                        | br gzip",
            "*;q=0.1, gzip            | gzip br",
            "gzip;q=0, *              | br",
            "br;Q=0, gzip;q=0         | ''",
            "identity                 | ''",
            "deflate, compress        | ''",
            "gzip;q=nonsense          | ''",
            "GZIP                     | gzip"})
    void orders_the_acceptable_codings_by_qvalue_then_br_first(String header, String expected) {
        HeaderMap headers = new HeaderMap().put(Headers.ACCEPT_ENCODING, header);

        List<String> acceptable = AcceptEncoding.acceptable(headers.get(Headers.ACCEPT_ENCODING));

        assertThat(acceptable).isEqualTo(expected.isEmpty() ? List.of() : Arrays.asList(expected.split(" ")));
    }
}
