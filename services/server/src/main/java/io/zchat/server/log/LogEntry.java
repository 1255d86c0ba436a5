package io.zchat.server.log;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.zchat.server.store.StoredEntry;

import java.time.Instant;

/**
 * One write in the replicated log: its position {@code seq} in the one total order all servers
 * share, the {@code term} of the coordinator that ordered it, and everything needed to apply it
 * (timestamp and Lamport clock were fixed by that coordinator). {@code id} is the client's request
 * id (or one the forwarding server made up), used to recognise retries.
 */
@JsonPropertyOrder({"seq", "term", "op", "id", "user", "channel", "src", "dst", "message", "timestamp", "clock"})
public record LogEntry(long seq, long term, Op op, String id, String user, String channel, String src, String dst,
                       String message, Instant timestamp, long clock) {

    public static LogEntry login(long seq, long term, String id, String user, Instant at, long clock) {
        return new LogEntry(seq, term, Op.LOGIN, id, user, null, null, null, null, at, clock);
    }

    public static LogEntry channel(long seq, long term, String id, String channel, Instant at, long clock) {
        return new LogEntry(seq, term, Op.CHANNEL, id, null, channel, null, null, null, at, clock);
    }

    public static LogEntry post(long seq, long term, String id, String user, String channel, String message,
                                Instant at, long clock) {
        return new LogEntry(seq, term, Op.PUBLISH, id, user, channel, null, null, message, at, clock);
    }

    public static LogEntry direct(long seq, long term, String id, String src, String dst, String message,
                                  Instant at, long clock) {
        return new LogEntry(seq, term, Op.MESSAGE, id, null, null, src, dst, message, at, clock);
    }

    /** The first entry of a coordinator's term (see {@link Op#TERM}). */
    public static LogEntry termStart(long seq, long term, Instant at, long clock) {
        return new LogEntry(seq, term, Op.TERM, null, null, null, null, null, null, at, clock);
    }

    /** Every field its op needs is there (a line of the log that is not is damaged). */
    @JsonIgnore
    public boolean isComplete() {
        if (op == null || seq <= 0 || term <= 0 || timestamp == null) {
            return false;
        }
        return switch (op) {
            case LOGIN -> user != null;
            case CHANNEL -> channel != null;
            case PUBLISH -> user != null && channel != null && message != null;
            case MESSAGE -> src != null && dst != null && message != null;
            case TERM -> true;
        };
    }

    /** The line of publications.jsonl or messages.jsonl this entry becomes. */
    public StoredEntry toStored() {
        return op == Op.PUBLISH
                ? StoredEntry.post(seq, id, user, channel, message, timestamp, clock)
                : StoredEntry.direct(seq, id, src, dst, message, timestamp, clock);
    }
}
