package io.zchat.server.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;

import java.io.IOException;
import java.time.Instant;

/**
 * The fields a log entry and a user-file record share, in their order after {@code seq} (and a
 * log entry's {@code term} and {@code op}): read one at a time, written all at once.
 */
public final class EntryFields {
    public String id;
    public String user;
    public String channel;
    public String src;
    public String dst;
    public String message;
    public Instant timestamp;
    public long clock;

    /** Takes field {@code name} if it is one of these; false for any other. */
    public boolean read(String name, JsonParser in) throws IOException {
        switch (name) {
            case "id" -> id = JsonRecords.string(in);
            case "user" -> user = JsonRecords.string(in);
            case "channel" -> channel = JsonRecords.string(in);
            case "src" -> src = JsonRecords.string(in);
            case "dst" -> dst = JsonRecords.string(in);
            case "message" -> message = JsonRecords.string(in);
            case "timestamp" -> timestamp = JsonRecords.timestamp(in);
            case "clock" -> clock = JsonRecords.number(in);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Writes these fields, leaving out the null ones. */
    public static void write(JsonGenerator out, String id, String user, String channel, String src, String dst,
                             String message, Instant timestamp, long clock) throws IOException {
        JsonRecords.string(out, "id", id);
        JsonRecords.string(out, "user", user);
        JsonRecords.string(out, "channel", channel);
        JsonRecords.string(out, "src", src);
        JsonRecords.string(out, "dst", dst);
        JsonRecords.string(out, "message", message);
        JsonRecords.timestamp(out, "timestamp", timestamp);
        out.writeNumberField("clock", clock);
    }
}
