package io.zchat.server.cluster;

/**
 * Whether the coordinator's missed checks call for an election: only {@code missesToElect} in a
 * row do. A coordinator that stalls for one check (a full collection, its compiler busy at start,
 * its loop behind a burst of requests) keeps leading, instead of being deposed and losing the
 * writes it had not yet committed. The count starts again for each new coordinator.
 */
final class CoordinatorWatch {
    private final int missesToElect;
    private String watched;
    private int misses;

    CoordinatorWatch(int missesToElect) {
        this.missesToElect = missesToElect;
    }

    /** {@code coordinator} answered its check. */
    void answered(String coordinator) {
        watched = coordinator;
        misses = 0;
    }

    /** {@code coordinator} missed its check: true when that calls for an election (the count then starts again). */
    boolean missed(String coordinator) {
        if (!coordinator.equals(watched)) {
            watched = coordinator;
            misses = 0;
        }
        if (++misses < missesToElect) {
            return false;
        }
        misses = 0;
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
