package io.zchat.server.replication;

import java.util.HashMap;
import java.util.Map;

/**
 * The coordinator's count of who holds what: an entry is committed (may be acknowledged) once it
 * is durable on at least {@code minAcks} servers, the coordinator included. A follower's position
 * counts even after it dies: what it reported was already written.
 */
public final class CommitTracker {
    private final int minAcks;
    private final Map<String, Long> durable = new HashMap<>();
    private long commit;

    public CommitTracker(int minAcks, long startCommit) {
        this.minAcks = minAcks;
        this.commit = startCommit;
    }

    /** Records that {@code server} holds everything up to {@code seq}; returns the commit point. */
    public long durable(String server, long seq) {
        durable.merge(server, seq, Math::max);
        long candidate = kthHighest();
        if (candidate > commit) {
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

    private long kthHighest() {
        if (durable.size() < minAcks) {
            return commit;
        }
        return durable.values().stream().sorted((a, b) -> Long.compare(b, a)).skip(minAcks - 1L).findFirst()
                .orElse(commit);
    }
}
