package dev.container.files;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Evaluates a Range header (RFC 9110 §14.1.2, §14.2) against a representation's length.
 * Pure functions, thread-safe.
 */
final class ByteRanges {
    /** An inclusive byte range, already clipped to the representation. */
    record Range(long first, long last) {
        long length() {
            return last - first + 1;
        }

        String contentRange(long completeLength) {
            return "bytes " + first + "-" + last + "/" + completeLength;
        }
    }

    /**
     * More parts than this, after merging, and we ignore the header and send the whole file,
     * which RFC 9110 §14.2 allows for requests made of many small ranges.
     */
    static final int MAX_PARTS = 32;

    private ByteRanges() {
    }

    /**
     * The ranges to send, sorted, with overlapping and adjacent ones merged (§14.3 allows it);
     * empty when none is satisfiable (answer 416); null when the header is to be ignored
     * (absent, another unit, malformed, or too many parts: answer 200 with the whole file).
     */
    static List<Range> satisfiable(String header, long length) {
        if (header == null) {
            return null;
        }
        int equals = header.indexOf('=');
        if (equals < 0 || !header.substring(0, equals).trim().equalsIgnoreCase("bytes")) {
            return null;
        }
        List<Range> ranges = new ArrayList<>();
        boolean anySpec = false;
        for (String element : header.substring(equals + 1).split(",")) {
            String spec = element.trim();
            if (spec.isEmpty()) {
                continue; // the list rule (§5.6.1) lets empty elements through
            }
            anySpec = true;
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return null;
            }
            String firstText = spec.substring(0, dash);
            String lastText = spec.substring(dash + 1);
            if (firstText.isEmpty()) {
                long suffix = digits(lastText);
                if (suffix < 0) {
                    return null;
                }
                if (suffix > 0 && length > 0) {
                    ranges.add(new Range(Math.max(0, length - suffix), length - 1));
                }
            } else {
                long first = digits(firstText);
                long last = lastText.isEmpty() ? Long.MAX_VALUE : digits(lastText);
                if (first < 0 || last < first) {
                    return null; // an invalid range-spec invalidates the whole header
                }
                if (first < length) {
                    ranges.add(new Range(first, Math.min(last, length - 1)));
                }
            }
        }
        if (!anySpec) {
            return null;
        }
        List<Range> merged = merge(ranges);
        return merged.size() > MAX_PARTS ? null : merged;
    }

    private static List<Range> merge(List<Range> ranges) {
        ranges.sort(Comparator.comparingLong(Range::first));
        List<Range> merged = new ArrayList<>(ranges.size());
        for (Range range : ranges) {
            Range previous = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (previous != null && range.first() <= previous.last() + 1) {
                merged.set(merged.size() - 1, new Range(previous.first(), Math.max(previous.last(), range.last())));
            } else {
                merged.add(range);
            }
        }
        return merged;
    }

    /** A run of ASCII digits as a number saturating at Long.MAX_VALUE; -1 when not all digits. */
    private static long digits(String text) {
        if (text.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value > (Long.MAX_VALUE - (c - '0')) / 10 ? Long.MAX_VALUE : value * 10 + (c - '0');
        }
        return value;
    }
}
