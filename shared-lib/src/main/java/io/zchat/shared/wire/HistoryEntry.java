package io.zchat.shared.wire;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;

/**
 * A stored post (user, channel) or direct message (src, dst) as a history reply lists it:
 * the same fields as the publication, with the timestamp and clock it was published with.
 */
public record HistoryEntry(String user, String channel, String src, String dst, String message,
                           Instant timestamp, long clock) {

    public static HistoryEntry post(String user, String channel, String message, Stamp stamp) {
        return new HistoryEntry(user, channel, null, null, message, stamp.timestamp(), stamp.clock());
    }

    public static HistoryEntry direct(String src, String dst, String message, Stamp stamp) {
        return new HistoryEntry(null, null, src, dst, message, stamp.timestamp(), stamp.clock());
    }

    @JsonIgnore
    public boolean isPost() {
        return channel != null;
    }
}
