package io.zchat.server.net;

/**
 * Where this server stands in the replication, shared by the parts of the server loop and written
 * on its thread only; the volatile fields are also read by other threads (health, metrics, the
 * cluster loop) through {@link ServerLoop}'s getters.
 */
final class ReplicaState {
    volatile ServerLoop.Role role = ServerLoop.Role.FOLLOWER;
    volatile long commit;
    volatile long lagEntries;
    volatile long lagMillis;
    volatile boolean caughtUp;
    /** Why the log (or term file) cannot be written, while it cannot. */
    volatile String logProblem;
    /** Why the user-facing files cannot be written, while they cannot. */
    volatile String viewProblem;
    /** What was last found damaged and repaired (log or files), for health. */
    volatile String lastCorruption;
    /**
     * Entries up to here were committed (seen in the files on start, or as the commit point when
     * this server's log had to be cut): it may lead only with a log that reaches it.
     */
    long committedFloor;
    /** While recovering: the recovery source's last seq, which this server must hold before it orders. */
    long recoveryTarget;

    ReplicaState(long commit, long committedFloor, String lastCorruption) {
        this.commit = commit;
        this.committedFloor = committedFloor;
        this.lastCorruption = lastCorruption;
    }

    /** Why this server cannot write its disk, or null while it can. */
    String storageProblem() {
        String problem = logProblem;
        return problem != null ? problem : viewProblem;
    }

    /** Whether this server may become coordinator: only while it can write its log. */
    boolean canLead() {
        return logProblem == null;
    }
}
