package io.zchat.server.cluster;

/**
 * Whether the coordinator's missed checks call for an election: only {@code missesToElect} in a
 * row do. A coordinator that stalls for one check (a full collection, its compiler busy at start,
 * its loop behind a burst of requests) keeps leading, instead of being deposed and losing the
 * writes it had not yet committed. But a stalled process keeps its connections open, and one
 * that is gone does not: after the link to the coordinator closed, its next missed check calls
 * for an election at once. The count starts again for each new coordinator.
 */
final class CoordinatorWatch {
    private final int missesToElect;
    private String watched;
    private int misses;
    private boolean linkLost;

    CoordinatorWatch(int missesToElect) {
        this.missesToElect = missesToElect;
    }

    /** {@code coordinator} answered its check. */
    void answered(String coordinator) {
        watched = coordinator;
        misses = 0;
        linkLost = false;
    }

    /** This server's link to {@code coordinator} closed: its process is gone, or the connection dropped. */
    void linkLost(String coordinator) {
        if (!coordinator.equals(watched)) {
            watched = coordinator;
            misses = 0;
        }
        linkLost = true;
    }

    /** {@code coordinator} missed its check: true when that calls for an election (the count then starts again). */
    boolean missed(String coordinator) {
        if (!coordinator.equals(watched)) {
            watched = coordinator;
            misses = 0;
            linkLost = false;
        }
        if (++misses < missesToElect && !linkLost) {
            return false;
        }
        misses = 0;
        linkLost = false;
        return true;
    }

    /** Missed checks in a row so far. */
    int misses() {
        return misses;
    }

    int missesToElect() {
        return missesToElect;
    }
}
