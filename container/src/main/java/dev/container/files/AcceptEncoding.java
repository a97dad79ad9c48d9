package dev.container.files;

import io.undertow.util.HeaderValues;

import java.util.List;
import java.util.Locale;

/**
 * Which of the content codings we can send ("br", "gzip") a request's Accept-Encoding allows,
 * best first: by the client's qvalue, then br before gzip (RFC 9110 §12.5.3). A coding with
 * q=0 is refused; "*" covers codings not named; "x-gzip" means gzip. Pure and thread-safe.
 */
final class AcceptEncoding {
    static final String BR = "br";
    static final String GZIP = "gzip";

    private AcceptEncoding() {
    }

    /** Acceptable codings, best first; empty when the header is absent or allows none of ours. */
    static List<String> acceptable(HeaderValues headers) {
        if (headers == null || headers.isEmpty()) {
            return List.of();
        }
        double br = -1;
        double gzip = -1;
        double any = 0;
        for (String header : headers) {
            for (String element : header.split(",")) {
                String[] parts = element.split(";");
                String coding = parts[0].trim().toLowerCase(Locale.ROOT);
                double weight = qvalue(parts);
                switch (coding) {
                    case "*" -> any = weight;
                    case BR -> br = weight;
                    case GZIP, "x-gzip" -> gzip = weight;
                    default -> {
                        // a coding we cannot produce
                    }
                }
            }
        }
        // a coding named explicitly wins over "*", wherever each appears
        br = br >= 0 ? br : any;
        gzip = gzip >= 0 ? gzip : any;
        if (br > 0 && gzip > 0) {
            return gzip > br ? List.of(GZIP, BR) : List.of(BR, GZIP);
        }
        if (br > 0) {
            return List.of(BR);
        }
        return gzip > 0 ? List.of(GZIP) : List.of();
    }

    /** The q parameter, 1 when absent; 0 (refused) when malformed, so a bad header gets identity. */
    private static double qvalue(String[] parameters) {
        for (int i = 1; i < parameters.length; i++) {
            String parameter = parameters[i].trim();
            if (parameter.length() > 2 && (parameter.charAt(0) == 'q' || parameter.charAt(0) == 'Q')
                    && parameter.charAt(1) == '=') {
                try {
                    double q = Double.parseDouble(parameter.substring(2));
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
