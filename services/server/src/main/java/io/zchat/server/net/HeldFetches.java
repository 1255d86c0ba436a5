package io.zchat.server.net;

import io.zchat.server.replication.ReplicaMessages;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The fetches a coordinator holds because it had nothing new for them, and the commit point each
 * follower was last told. A held fetch is answered when new entries come (the caller checks), when
 * its wait is over, or once the commit point has moved past what its follower knows and it has
 * waited {@code commitNoticeMillis}: a follower needs the commit point only to write its files
 * (every {@code view-interval}), so it is not told at every move, which under load would cost two
 * messages per follower per group (an empty answer, and the fetch it sends again).
 */
final class HeldFetches {
    /** A fetch held since {@code at}, to be answered by {@code until} at the latest. */
    record Held(List<byte[]> route, ReplicaMessages.Fetch fetch, long at, long until) {
    }

    private final List<Held> waiting = new ArrayList<>();
    private final Map<String, Long> commitTold = new HashMap<>();
    private final long commitNoticeMillis;

    HeldFetches(long commitNoticeMillis) {
        this.commitNoticeMillis = commitNoticeMillis;
    }

    /**
     * Whether a fetch the coordinator has nothing new for may be held. A follower that has not yet
     * seen the log's end since it began following is answered at once, so that it learns it is
     * caught up (and is ready) without waiting out a hold.
     */
    static boolean mayHold(ReplicaMessages.Fetch fetch) {
        return fetch.caughtUp() || fetch.recovery();
    }

    void hold(List<byte[]> route, ReplicaMessages.Fetch fetch, long now, long until) {
        waiting.add(new Held(route, fetch, now, until));
    }

    /** Notes that {@code node} was sent {@code commit} (with any answer to its fetch). */
    void told(String node, long commit) {
        commitTold.put(node, commit);
    }

    /** Whether {@code held} must be answered now, without entries, given the coordinator's {@code commit}. */
    boolean due(Held held, long now, long commit) {
        boolean commitMoved = commit > commitTold.getOrDefault(held.fetch().node(), 0L);
        return now >= held.until() || (commitMoved && now - held.at() >= commitNoticeMillis);
    }

    /** Drops the held fetches {@code answered} says it has answered (it is asked once for each, oldest first). */
    void answerWhere(Predicate<Held> answered) {
        waiting.removeIf(answered);
    }

    /** Every held fetch, no longer held. */
    List<Held> releaseAll() {
        List<Held> all = new ArrayList<>(waiting);
        waiting.clear();
        return all;
    }
}
