package io.zchat.server.replication;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The coordinator's count of who holds what: an entry is committed (may be acknowledged) once it
 * is durable on at least {@code minAcks} servers, the coordinator included. A follower's position
 * counts even after it dies: what it reported was already written. Only entries of the
 * coordinator's own term are counted (from {@code firstOwnSeq}, its term-start entry); earlier
 * ones commit with the first of those. Counting copies of an earlier term's entry is unsafe: a
 * server that led a later term alone can still hold a different entry at that seq, and win with it
 * once this coordinator is gone (Raft's "figure 8").
 */
public final class CommitTracker {
    private final int minAcks;
    private final long firstOwnSeq;
    private final Map<String, Long> durable = new HashMap<>();
    private long commit;
    /** The highest positions, highest first: scratch space of {@link #kthHighest}. */
    private final long[] top;

    /** @param firstOwnSeq the seq of the coordinator's first entry in its term */
    public CommitTracker(int minAcks, long startCommit, long firstOwnSeq) {
        this.minAcks = minAcks;
        this.top = new long[minAcks];
        this.commit = startCommit;
        this.firstOwnSeq = firstOwnSeq;
    }

    /** Records that {@code server} holds everything up to {@code seq}; returns the commit point. */
    public long durable(String server, long seq) {
        durable.merge(server, seq, Math::max);
        long candidate = kthHighest();
        if (candidate > commit && candidate >= firstOwnSeq) {
            commit = candidate;
        }
        return commit;
    }

    public long commit() {
        return commit;
    }

    public Map<String, Long> positions() {
        return Map.copyOf(durable);
    }

    /**
     * The highest seq that every server of {@code servers} and every server counted so far holds
     * durably (a dead one's last position counts too: it may come back for the rest); 0 while one
     * of {@code servers} has not reported.
     */
    public long heldByAll(Collection<String> servers) {
        for (String server : servers) {
            if (!durable.containsKey(server)) {
                return 0;
            }
        }
        long least = Long.MAX_VALUE;
        for (long seq : durable.values()) {
            least = Math.min(least, seq);
        }
        return durable.isEmpty() ? 0 : least;
    }

    /** The minAcks-th highest position: called for every fetch, so without a stream or a sort. */
    private long kthHighest() {
        if (durable.size() < minAcks) {
            return commit;
        }
        Arrays.fill(top, Long.MIN_VALUE);
        for (long seq : durable.values()) {
            // insertion into the minAcks highest seen so far, highest first
            for (int i = 0; i < minAcks; i++) {
                if (seq > top[i]) {
                    System.arraycopy(top, i, top, i + 1, minAcks - i - 1);
                    top[i] = seq;
                    break;
                }
            }
        }
        return top[minAcks - 1];
    }
}
