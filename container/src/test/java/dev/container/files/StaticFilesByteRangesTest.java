package dev.container.files;

import dev.container.files.ByteRanges.Range;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StaticFilesByteRangesTest {
    @Test
    void clips_ranges_to_the_representation() {
        assertThat(ByteRanges.satisfiable("bytes=5-99999999999999999999999", 10)).containsExactly(new Range(5, 9));
        assertThat(ByteRanges.satisfiable("bytes=-50", 10)).containsExactly(new Range(0, 9));
        assertThat(ByteRanges.satisfiable("bytes=7-", 10)).containsExactly(new Range(7, 9));
    }

    @Test
    void sorts_and_merges_overlapping_and_adjacent_ranges() {
        assertThat(ByteRanges.satisfiable("bytes=8-9, 0-1, 2-3, 1-2, 6-6", 10))
                .containsExactly(new Range(0, 3), new Range(6, 6), new Range(8, 9));
    }

    @Test
    void drops_unsatisfiable_ranges_beside_satisfiable_ones() {
        assertThat(ByteRanges.satisfiable("bytes=20-30, 0-0", 10)).containsExactly(new Range(0, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=10-", "bytes=-0", "bytes=10-20, 15-"})
    void finds_nothing_satisfiable_beyond_the_end(String header) {
        assertThat(ByteRanges.satisfiable(header, 10)).isEmpty();
    }

    @Test
    void finds_nothing_satisfiable_in_an_empty_file() {
        assertThat(ByteRanges.satisfiable("bytes=0-", 0)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "bytes", "bytes=", "bytes=,", "items=0-1", "bytes=a-b", "bytes=5-2", "bytes=1", "bytes=--1", "bytes=0-1;x"})
    void ignores_malformed_headers(String header) {
        assertThat(ByteRanges.satisfiable(header, 10)).isNull();
    }

    @Test
    void ignores_more_parts_than_it_sends() {
        StringBuilder header = new StringBuilder("bytes=0-0");
        for (int i = 1; i <= ByteRanges.MAX_PARTS; i++) {
            header.append(',').append(i * 2).append('-').append(i * 2);
        }

        assertThat(ByteRanges.satisfiable(header.toString(), 1000)).isNull();
        assertThat(ByteRanges.satisfiable("BYTES=0-0", 10)).isEqualTo(List.of(new Range(0, 0)));
    }
}
