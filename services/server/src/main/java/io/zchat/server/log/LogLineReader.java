package io.zchat.server.log;

import io.zchat.shared.wire.Timestamps;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * Reads a log line laid out exactly as {@link LogEntryJson} writes it (fields in their order,
 * nulls left out, ASCII strings without escapes, plain whole numbers), straight from its bytes:
 * followers read every line they fetch, and a JSON parser built per line was a quarter of their
 * garbage. Anything else (an escape, a non-ASCII byte, another order, an unknown field or op)
 * gives null, and the caller reads the line with the general parser, which decides on errors.
 */
final class LogLineReader {
    /** The fields in the order they are written; a line may leave out any of them. */
    private static final byte[][] KEYS = {
            key("seq"), key("term"), key("op"), key("id"), key("user"), key("channel"), key("src"), key("dst"),
            key("message"), key("timestamp"), key("clock"), key("crc")};
    private static final int SEQ = 0;
    private static final int TERM = 1;
    private static final int OP = 2;
    private static final int ID = 3;
    private static final int USER = 4;
    private static final int CHANNEL = 5;
    private static final int SRC = 6;
    private static final int DST = 7;
    private static final int MESSAGE = 8;
    private static final int TIMESTAMP = 9;
    private static final int CLOCK = 10;
    private static final int CRC = 11;
    /** Digits of the longest whole number read here; longer ones go to the general parser. */
    private static final int MAX_DIGITS = 18;
    private static final Op[] OPS = Op.values();
    private static final byte[][] OP_NAMES = new byte[OPS.length][];

    static {
        for (int i = 0; i < OPS.length; i++) {
            OP_NAMES[i] = OPS[i].wireName().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final byte[] line;
    /** Where a string value just read starts and ends (exclusive). */
    private final int[] bounds = new int[2];
    private int at;

    private LogLineReader(byte[] line) {
        this.line = line;
    }

    /** The entry of {@code line}, or null when it is not laid out as this class reads. */
    static LogEntry read(byte[] line) {
        return new LogLineReader(line).entry();
    }

    private LogEntry entry() {
        long seq = 0;
        long term = 0;
        long clock = 0;
        Op op = null;
        String[] strings = new String[TIMESTAMP];
        Instant timestamp = null;
        if (!take('{')) {
            return null;
        }
        int last = -1;
        do {
            int field = key(last);
            if (field < 0) {
                return null;
            }
            last = field;
            switch (field) {
                case SEQ, TERM, CLOCK -> {
                    long value = number();
                    if (value < 0) {
                        return null;
                    }
                    if (field == SEQ) {
                        seq = value;
                    } else if (field == TERM) {
                        term = value;
                    } else {
                        clock = value;
                    }
                }
                case OP -> {
                    op = op();
                    if (op == null) {
                        return null;
                    }
                }
                case TIMESTAMP -> {
                    timestamp = timestamp();
                    if (timestamp == null) {
                        return null;
                    }
                }
                default -> {
                    String value = string();
                    if (value == null) {
                        return null;
                    }
                    if (field != CRC) {
                        strings[field] = value;
                    }
                }
            }
        } while (take(','));
        if (!take('}') || at != line.length) {
            return null;
        }
        return new LogEntry(seq, term, op, strings[ID], strings[USER], strings[CHANNEL], strings[SRC], strings[DST],
                strings[MESSAGE], timestamp, clock);
    }

    /** The index of the {@code "name":} here, if it is a field written after {@code after}; else -1. */
    private int key(int after) {
        for (int field = after + 1; field < KEYS.length; field++) {
            byte[] key = KEYS[field];
            if (line.length - at >= key.length && Arrays.equals(line, at, at + key.length, key, 0, key.length)) {
                at += key.length;
                return field;
            }
        }
        return -1;
    }

    /** A whole number as JSON writes it (no leading zero, no sign here: seqs, terms, clocks); -1 if not. */
    private long number() {
        int start = at;
        long value = 0;
        while (at < line.length && line[at] >= '0' && line[at] <= '9') {
            value = value * 10 + (line[at] - '0');
            at++;
        }
        int digits = at - start;
        boolean plain = digits > 0 && digits <= MAX_DIGITS && (line[start] != '0' || digits == 1);
        return plain ? value : -1;
    }

    /** Reads a plain ASCII string value, its bytes' [start, end) into {@link #bounds}; false if it is not one. */
    private boolean stringBounds() {
        if (!take('"')) {
            return false;
        }
        int start = at;
        while (at < line.length) {
            byte b = line[at];
            if (b == '"') {
                bounds[0] = start;
                bounds[1] = at;
                at++;
                return true;
            }
            if (b == '\\' || b < 0x20) { // an escape, a control character or a non-ASCII byte (negative)
                return false;
            }
            at++;
        }
        return false;
    }

    private String string() {
        return stringBounds() ? new String(line, bounds[0], bounds[1] - bounds[0], StandardCharsets.US_ASCII)
                : null;
    }

    private Op op() {
        if (!stringBounds()) {
            return null;
        }
        for (int i = 0; i < OPS.length; i++) {
            if (Arrays.equals(line, bounds[0], bounds[1], OP_NAMES[i], 0, OP_NAMES[i].length)) {
                return OPS[i];
            }
        }
        return null;
    }

    private Instant timestamp() {
        String text = string();
        if (text == null) {
            return null;
        }
        try {
            return Timestamps.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private boolean take(char c) {
        if (at < line.length && line[at] == c) {
            at++;
            return true;
        }
        return false;
    }

    private static byte[] key(String name) {
        return ("\"" + name + "\":").getBytes(StandardCharsets.US_ASCII);
    }
}
