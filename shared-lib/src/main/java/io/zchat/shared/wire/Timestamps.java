package io.zchat.shared.wire;

import org.msgpack.core.MessagePacker;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The contract's timestamp: ISO-8601 UTC with milliseconds out, liberal in. Every message carries
 * one, so the common case is fast: the text up to the second is kept for the second last seen,
 * and a timestamp in exactly the form this system sends is read without the general parser.
 */
public final class Timestamps {
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ISO_SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    /** {@code 2026-11-27T12:00:00.123Z} */
    static final int SENT_LENGTH = 24;
    private static final int SECOND_TEXT_LENGTH = 19;

    /** One second's text; replaced whole, so readers on any thread see a consistent pair. */
    private record Second(long epochSecond, String text) {
    }

    /** One second's text as it is written, in ASCII; replaced whole, like {@link Second}. */
    private record FormattedSecond(long epochSecond, byte[] text) {
    }

    private static volatile FormattedSecond formatted = new FormattedSecond(Long.MIN_VALUE, new byte[0]);
    private static volatile Second parsed = new Second(Long.MIN_VALUE, "");
    /** Numbers below this are epoch seconds, at or above it epoch milliseconds. */
    private static final double SECONDS_LIMIT = 1e11;

    private Timestamps() {
    }

    public static String format(Instant instant) {
        byte[] text = new byte[SENT_LENGTH];
        return formatInto(instant, text) ? new String(text, StandardCharsets.US_ASCII) : ISO_MILLIS.format(instant);
    }

    /**
     * Packs {@link #format}'s text as a MessagePack string without building it as a string first
     * (every frame carries a timestamp); {@code scratch} holds at least {@link #SENT_LENGTH} bytes.
     */
    static void pack(Instant instant, MessagePacker out, byte[] scratch) throws IOException {
        if (formatInto(instant, scratch)) {
            out.packRawStringHeader(SENT_LENGTH);
            out.writePayload(scratch, 0, SENT_LENGTH);
        } else {
            out.packString(ISO_MILLIS.format(instant));
        }
    }

    /**
     * Writes {@link #format}'s text into the first {@link #SENT_LENGTH} bytes of {@code out};
     * false, writing nothing, outside years 1970-9999 (the general formatter takes those).
     */
    private static boolean formatInto(Instant instant, byte[] out) {
        long second = instant.getEpochSecond();
        FormattedSecond cached = formatted;
        if (cached.epochSecond() != second) {
            if (second < 0 || second > 253_402_300_799L) {
                return false;
            }
            cached = new FormattedSecond(second, ISO_SECONDS.format(instant).getBytes(StandardCharsets.US_ASCII));
            formatted = cached;
        }
        System.arraycopy(cached.text(), 0, out, 0, SECOND_TEXT_LENGTH);
        int millis = instant.getNano() / 1_000_000;
        out[SECOND_TEXT_LENGTH] = '.';
        out[SECOND_TEXT_LENGTH + 1] = (byte) ('0' + millis / 100);
        out[SECOND_TEXT_LENGTH + 2] = (byte) ('0' + millis / 10 % 10);
        out[SECOND_TEXT_LENGTH + 3] = (byte) ('0' + millis % 10);
        out[SECOND_TEXT_LENGTH + 4] = 'Z';
        return true;
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
        Instant sent = parseAsSent(text);
        if (sent != null) {
            return sent;
        }
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

    /** A timestamp in the very form {@link #format} writes, within a second already read; else null. */
    private static Instant parseAsSent(String text) {
        if (text.length() != SENT_LENGTH || text.charAt(SECOND_TEXT_LENGTH) != '.' || text.charAt(23) != 'Z') {
            return null;
        }
        int millis = digit(text, 20) * 100 + digit(text, 21) * 10 + digit(text, 22);
        if (millis < 0) {
            return null;
        }
        Second cached = parsed;
        if (!text.regionMatches(0, cached.text(), 0, SECOND_TEXT_LENGTH)) {
            try {
                long second = LocalDateTime.parse(text.substring(0, SECOND_TEXT_LENGTH)).toEpochSecond(ZoneOffset.UTC);
                cached = new Second(second, text.substring(0, SECOND_TEXT_LENGTH));
            } catch (DateTimeParseException e) {
                return null;
            }
            parsed = cached;
        }
        return Instant.ofEpochSecond(cached.epochSecond(), millis * 1_000_000L);
    }

    /** The digit at {@code index}, or a large negative number when it is not one. */
    private static int digit(String text, int index) {
        char c = text.charAt(index);
        return c >= '0' && c <= '9' ? c - '0' : -100_000;
    }
}
