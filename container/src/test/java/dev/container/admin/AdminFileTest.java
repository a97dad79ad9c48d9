package dev.container.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class AdminFileTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void quoted_text_reads_back_as_the_same_string_in_jackson() throws Exception {
        String text = "http://[::1]:8080/ \"quoted\" back\\slash\ttab\nline\u0001 é";

        assertThat(json.readTree(AdminServer.quoted(text)).asText()).isEqualTo(text);
    }
}
