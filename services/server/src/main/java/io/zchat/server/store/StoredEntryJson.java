package io.zchat.server.store;

import java.io.IOException;

/** A {@link StoredEntry} as one JSON object, field by field (see {@link JsonRecords}). */
final class StoredEntryJson {
    private StoredEntryJson() {
    }

    static byte[] write(StoredEntry e) {
        return JsonRecords.write(out -> {
            out.writeNumberField("seq", e.seq());
            EntryFields.write(out, e.id(), e.user(), e.channel(), e.src(), e.dst(), e.message(), e.timestamp(),
                    e.clock());
        });
    }

    /** The entry, or null when {@code json} is not an object; throws on a field of the wrong kind. */
    static StoredEntry read(byte[] json) throws IOException {
        long[] seq = {0};
        EntryFields f = new EntryFields();
        boolean object = JsonRecords.read(json, (name, in) -> {
            if (name.equals("seq")) {
                seq[0] = JsonRecords.number(in);
            } else if (!f.read(name, in)) {
                JsonRecords.skip(in);
            }
        });
        return object ? new StoredEntry(seq[0], f.id, f.user, f.channel, f.src, f.dst, f.message, f.timestamp, f.clock)
                : null;
    }
}
