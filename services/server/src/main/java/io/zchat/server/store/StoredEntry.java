package io.zchat.server.store;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.zchat.shared.wire.HistoryEntry;

import java.time.Instant;

/**
 * One line of publications.jsonl (user, channel) or messages.jsonl (src, dst). {@code seq} is the
 * position in the server's single total order over both files; {@code id} is the client's request
 * id, kept so that a retried write is recognised after a restart.
 */
@JsonPropertyOrder({"seq", "id", "user", "channel", "src", "dst", "message", "timestamp", "clock"})
public record StoredEntry(long seq, String id, String user, String channel, String src, String dst,
                          String message, Instant timestamp, long clock) {

    public static StoredEntry post(long seq, String id, String user, String channel, String message,
                                   Instant timestamp, long clock) {
        return new StoredEntry(seq, id, user, channel, null, null, message, timestamp, clock);
    }

    public static StoredEntry direct(long seq, String id, String src, String dst, String message,
                                     Instant timestamp, long clock) {
        return new StoredEntry(seq, id, null, null, src, dst, message, timestamp, clock);
    }

    @JsonIgnore
    public boolean isPost() {
        return channel != null;
    }

    /** A post has user and channel, a direct message src and dst; both have text and a timestamp. */
    @JsonIgnore
    public boolean isComplete() {
        boolean addressed = channel != null ? user != null : src != null && dst != null;
        return addressed && message != null && timestamp != null && seq > 0;
    }

    public HistoryEntry toHistory() {
        return new HistoryEntry(user, channel, src, dst, message, timestamp, clock);
    }
}
