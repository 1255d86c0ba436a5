package io.zchat.server.replication;

import io.zchat.server.log.ReplicationLog;

/**
 * Whether a follower's log, ending at ({@code lastSeq}, {@code lastTerm}), is a prefix of this
 * log. Entries of one term come from one coordinator, so two logs that hold the same term at the
 * same seq agree up to there. When they do not, the follower must cut its log back and ask again;
 * each answer moves it strictly back, so the exchange ends at the common prefix. An answer drops
 * at least the follower's whole last term when this log holds no entry of it, so a deposed
 * coordinator's long divergent tail goes in one round per term, not one per entry.
 */
public final class LogMatch {
    private LogMatch() {
    }

    /**
     * Whether a log ending at ({@code lastSeq}, {@code lastTerm}) is more advanced than one ending at
     * ({@code otherSeq}, {@code otherTerm}): a later last term wins whatever the lengths (the other's
     * later entries were never committed), then a longer log. A coordinator-to-be catches up from
     * the most advanced log on board, also when its own is longer.
     */
    public static boolean isAhead(long lastTerm, long lastSeq, long otherTerm, long otherSeq) {
        return lastTerm > otherTerm || (lastTerm == otherTerm && lastSeq > otherSeq);
    }

    /**
     * Null when the follower may take entries after its {@code lastSeq}; else the seq to cut back to.
     *
     * @param lastTermStart the follower's first seq of {@code lastTerm} (0 when it does not say)
     */
    public static Long truncateTo(ReplicationLog log, long lastSeq, long lastTerm, long lastTermStart) {
        return truncateTo(lastSeq, lastTerm, lastTermStart, log.termAt(lastSeq), log.lastSeqOfTermAtMost(lastTerm),
                log.holdsTerm(lastTerm));
    }

    /**
     * @param termHere       this log's term at the follower's last seq (-1 when this log is shorter)
     * @param lastOfTermHere this log's last seq with a term at most the follower's last term
     * @param termHeld       whether this log holds any entry of the follower's last term
     */
    public static Long truncateTo(long lastSeq, long lastTerm, long lastTermStart, long termHere, long lastOfTermHere,
                                  boolean termHeld) {
        if (termHere == lastTerm) {
            return null;
        }
        long cut = Math.min(lastSeq - 1, lastOfTermHere);
        if (!termHeld && lastTermStart > 0) {
            // none of the follower's entries of that term is here: all of them diverge
            cut = Math.min(cut, lastTermStart - 1);
        }
        return Math.max(0, cut);
    }
}
