package io.zchat.server.replication;

/**
 * How many log lines, and how many bytes of them, one fetch answer may carry so that the whole
 * encoded answer stays within ZeroMQ's message size limit. A receiver drops a larger message
 * together with its connection, and the follower, asking again from the same seq, would get the
 * same answer: it would never catch up. So {@code chat.replication.fetch-bytes} is a wish, cut to
 * what the limit leaves after each line's framing and the answer's other fields.
 *
 * @param entries   most lines per answer
 * @param lineBytes most bytes of lines per answer (one line is always sent, whatever its size)
 */
public record FetchBudget(int entries, int lineBytes) {
    /** An answer's fields besides its lines (service, stamp, node, term, seqs, times, refusal): far less. */
    static final int ENVELOPE_BYTES = 1024;
    /** A line's MessagePack framing: a bin 32 header at most. */
    static final int FRAMING_BYTES = 5;
    /** The longest line the log can hold (a message of 8,192 characters of up to 4 bytes, and its fields), with room. */
    static final int LONGEST_LINE_BYTES = 64 * 1024;

    public static FetchBudget of(int fetchEntries, long fetchBytes, long maxMessageBytes) {
        long room = maxMessageBytes - ENVELOPE_BYTES - (long) fetchEntries * FRAMING_BYTES;
        if (room < LONGEST_LINE_BYTES) {
            throw new IllegalArgumentException("chat.zmq.max-message-size (" + maxMessageBytes + " bytes) leaves "
                    + Math.max(0, room) + " bytes for the lines of a fetch answer of up to " + fetchEntries
                    + " entries; the longest line needs " + LONGEST_LINE_BYTES
                    + ": raise it or lower chat.replication.fetch-entries");
        }
        return new FetchBudget(fetchEntries, (int) Math.min(fetchBytes, room));
    }
}
