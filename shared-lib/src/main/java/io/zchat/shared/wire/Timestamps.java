package io.zchat.shared.wire;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The contract's timestamp: ISO-8601 UTC with milliseconds out, liberal in. */
public final class Timestamps {
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** Numbers below this are epoch seconds, at or above it epoch milliseconds. */
    private static final double SECONDS_LIMIT = 1e11;

    private Timestamps() {
    }

    public static String format(Instant instant) {
        return ISO_MILLIS.format(instant);
    }

    public static Instant fromNumber(double value) {
        double millis = Math.abs(value) < SECONDS_LIMIT ? value * 1000 : value;
        return Instant.ofEpochMilli((long) millis);
    }

    public static Instant fromNumber(BigDecimal value) {
        return fromNumber(value.doubleValue());
    }

    /** Parses ISO-8601 with or without offset (no offset means UTC) or a number in a string. */
    public static Instant parse(String text) throws DateTimeParseException {
        String s = text.trim();
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException notOffset) {
                try {
                    return fromNumber(Double.parseDouble(s));
                } catch (NumberFormatException notNumber) {
                    return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
                }
            }
        }
    }
}
