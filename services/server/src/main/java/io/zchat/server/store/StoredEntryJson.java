package io.zchat.server.store;

import java.io.IOException;
import java.time.Instant;

/** A {@link StoredEntry} as one JSON object, field by field (see {@link JsonRecords}). */
final class StoredEntryJson {
    private StoredEntryJson() {
    }

    static byte[] write(StoredEntry entry) {
        return JsonRecords.write(out -> {
            out.writeNumberField("seq", entry.seq());
            JsonRecords.string(out, "id", entry.id());
            JsonRecords.string(out, "user", entry.user());
            JsonRecords.string(out, "channel", entry.channel());
            JsonRecords.string(out, "src", entry.src());
            JsonRecords.string(out, "dst", entry.dst());
            JsonRecords.string(out, "message", entry.message());
            JsonRecords.timestamp(out, "timestamp", entry.timestamp());
            out.writeNumberField("clock", entry.clock());
        });
    }

    /** The entry, or null when {@code json} is not an object; throws on a field of the wrong kind. */
    static StoredEntry read(byte[] json) throws IOException {
        Fields f = new Fields();
        boolean object = JsonRecords.read(json, (name, in) -> {
            switch (name) {
                case "seq" -> f.seq = JsonRecords.number(in);
                case "id" -> f.id = JsonRecords.string(in);
                case "user" -> f.user = JsonRecords.string(in);
                case "channel" -> f.channel = JsonRecords.string(in);
                case "src" -> f.src = JsonRecords.string(in);
                case "dst" -> f.dst = JsonRecords.string(in);
                case "message" -> f.message = JsonRecords.string(in);
                case "timestamp" -> f.timestamp = JsonRecords.timestamp(in);
                case "clock" -> f.clock = JsonRecords.number(in);
                default -> JsonRecords.skip(in);
            }
        });
        return object ? new StoredEntry(f.seq, f.id, f.user, f.channel, f.src, f.dst, f.message, f.timestamp, f.clock)
                : null;
    }

    private static final class Fields {
        long seq;
        String id;
        String user;
        String channel;
        String src;
        String dst;
        String message;
        Instant timestamp;
        long clock;
    }
}
