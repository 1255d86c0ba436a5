package io.zchat.server.replication;

import io.zchat.server.log.ReplicationLog;

/**
 * Whether a follower's log, ending at ({@code lastSeq}, {@code lastTerm}), is a prefix of this
 * log. Entries of one term come from one coordinator, so two logs that hold the same term at the
 * same seq agree up to there. When they do not, the follower must cut its log back and ask again;
 * each answer moves it strictly back, so the exchange ends at the common prefix.
 */
public final class LogMatch {
    private LogMatch() {
    }

    /** Null when the follower may take entries after its {@code lastSeq}; else the seq to cut back to. */
    public static Long truncateTo(ReplicationLog log, long lastSeq, long lastTerm) {
        return truncateTo(lastSeq, lastTerm, log.termAt(lastSeq), log.lastSeqOfTermAtMost(lastTerm));
    }

    /**
     * @param termHere       this log's term at the follower's last seq (-1 when this log is shorter)
     * @param lastOfTermHere this log's last seq with a term at most the follower's last term
     */
    public static Long truncateTo(long lastSeq, long lastTerm, long termHere, long lastOfTermHere) {
        if (termHere == lastTerm) {
            return null;
        }
        return Math.max(0, Math.min(lastSeq - 1, lastOfTermHere));
    }
}
