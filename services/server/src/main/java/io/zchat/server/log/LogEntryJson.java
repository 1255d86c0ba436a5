package io.zchat.server.log;

import io.zchat.server.store.Checksum;
import io.zchat.server.store.EntryFields;
import io.zchat.server.store.JsonRecords;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A {@link LogEntry} as one JSON object, field by field (see {@link JsonRecords}). */
public final class LogEntryJson {
    private static final byte[] SEQ = bytes("{\"seq\":");
    private static final byte[] TERM = bytes(",\"term\":");
    private static final byte[] OP = bytes(",\"op\":\"");
    private static final byte[] CRC = bytes(",\"crc\":\"");
    /** {@code ,"crc":"89abcdef"}} */
    private static final int SEAL_LENGTH = CRC.length + 8 + 2;

    private LogEntryJson() {
    }

    /**
     * The record of publications.jsonl or messages.jsonl (unsealed) that a sealed log line of a
     * post or direct message becomes, cut from the line's bytes: the same fields in the same order
     * and encoding, less {@code term}, {@code op} and the checksum. Null when the line is not laid
     * out as this class writes it (the caller then encodes the entry).
     */
    public static byte[] storedRecord(byte[] sealedLine) {
        int at = expect(sealedLine, 0, SEQ);
        int seqEnd = digits(sealedLine, at);
        at = expect(sealedLine, seqEnd, TERM);
        at = expect(sealedLine, digits(sealedLine, at), OP);
        while (at > 0 && at < sealedLine.length && sealedLine[at] != '"') {
            at++;
        }
        int rest = at > 0 && at + 1 < sealedLine.length && sealedLine[at + 1] == ',' ? at + 2 : -1;
        int sealAt = sealedLine.length - SEAL_LENGTH;
        if (seqEnd < 0 || rest < 0 || sealAt <= rest || expect(sealedLine, sealAt, CRC) < 0) {
            return null;
        }
        byte[] record = new byte[seqEnd + 1 + (sealAt - rest) + 1];
        System.arraycopy(sealedLine, 0, record, 0, seqEnd);
        record[seqEnd] = ',';
        System.arraycopy(sealedLine, rest, record, seqEnd + 1, sealAt - rest);
        record[record.length - 1] = '}';
        return record;
    }

    /** The index after {@code expected} if {@code line} has it at {@code at}, else -1. */
    private static int expect(byte[] line, int at, byte[] expected) {
        if (at < 0 || at + expected.length > line.length
                || !Arrays.equals(line, at, at + expected.length, expected, 0, expected.length)) {
            return -1;
        }
        return at + expected.length;
    }

    /** The index after the digits at {@code at} (at least one), else -1. */
    private static int digits(byte[] line, int at) {
        int end = at;
        while (end >= 0 && end < line.length && line[end] >= '0' && line[end] <= '9') {
            end++;
        }
        return end > at ? end : -1;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] write(LogEntry e) {
        return JsonRecords.write(fields(e));
    }

    /** The line of the log: {@link #write} sealed with {@link Checksum#LINE}. */
    static byte[] writeSealed(LogEntry e) {
        return JsonRecords.writeSealed(fields(e), Checksum.LINE);
    }

    private static JsonRecords.Fields fields(LogEntry e) {
        return out -> {
            out.writeNumberField("seq", e.seq());
            out.writeNumberField("term", e.term());
            JsonRecords.string(out, "op", e.op() == null ? null : e.op().wireName());
            EntryFields.write(out, e.id(), e.user(), e.channel(), e.src(), e.dst(), e.message(), e.timestamp(),
                    e.clock());
        };
    }

    /** The entry, or null when {@code json} is not an object; throws on a field of the wrong kind. */
    static LogEntry read(byte[] json) throws IOException {
        LogEntry plain = LogLineReader.read(json);
        return plain != null ? plain : readAnyLayout(json);
    }

    /** {@link #read} with the general parser: fields in any order, escapes, any other layout. */
    static LogEntry readAnyLayout(byte[] json) throws IOException {
        long[] position = {0, 0};
        Op[] op = {null};
        EntryFields f = new EntryFields();
        boolean object = JsonRecords.read(json, (name, in) -> {
            switch (name) {
                case "seq" -> position[0] = JsonRecords.number(in);
                case "term" -> position[1] = JsonRecords.number(in);
                case "op" -> {
                    String wire = JsonRecords.string(in);
                    op[0] = wire == null ? null : Op.of(wire);
                }
                default -> {
                    if (!f.read(name, in)) {
                        JsonRecords.skip(in);
                    }
                }
            }
        });
        return object ? new LogEntry(position[0], position[1], op[0], f.id, f.user, f.channel, f.src, f.dst,
                f.message, f.timestamp, f.clock) : null;
    }
}
