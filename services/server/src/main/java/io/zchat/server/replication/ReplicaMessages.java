package io.zchat.server.replication;


import java.util.List;

/**
 * Server-to-server replication messages, on each server's peer endpoint (the coordinator's ROUTER
 * answers followers' DEALERs). Every one carries the sender's term.
 */
public final class ReplicaMessages {
    /**
     * Follower → coordinator: entries after ({@code lastSeq}, {@code lastTerm}), the follower's
     * last term having begun at {@code lastTermStart}; {@code durable} acks. With {@code recovery}, a coordinator-to-be reads from a follower's log instead.
     */
    public static final String FETCH = "fetch";
    /** Follower → coordinator: client writes to order, each answered once committed. */
    public static final String FORWARD = "forward";
    /** Coordinator → its candidates' peers: how far each log goes (used before ordering new writes). */
    public static final String STATUS = "replica_status";

    private ReplicaMessages() {
    }

    /** {@code caughtUp}: the follower has reached the coordinator's log end since it began following it. */
    public record Fetch(String node, long term, long lastSeq, long lastTerm, long lastTermStart, long durable,
                        boolean recovery, boolean caughtUp) {
    }

    /**
     * The answer to a fetch: {@code entries} (log lines, oldest first, right after the follower's
     * last seq), or {@code truncate} when the follower's tail diverges; {@code refused} when the
     * answering server cannot serve (not coordinator, recovering, or older term).
     */
    public record Entries(String node, long term, long lastSeq, long commit, long now, List<byte[]> entries,
                          Long truncate, String refused) {
    }

    /** Client writes forwarded for ordering, as many as a follower's group had. */
    public record Forward(String node, long term, List<Write> writes) {
    }

    /** One forwarded write: {@code fid} is its request id, {@code request} the client's data map as it came (MessagePack). */
    public record Write(String fid, String service, byte[] request) {
    }

    /** The coordinator's answers to forwarded writes, as many as it has for that follower at once. */
    public record Forwarded(List<Result> results) {
    }

    /**
     * The answer to one forwarded write: its {@code seq}, and {@code created} when this forward made
     * the entry (the forwarding server then publishes it); or {@code error} (the client's error text:
     * the write breaks a rule or cannot be read); or {@code refused} when the answering server is not
     * (or no longer) coordinator, so the write goes again to whoever is.
     * <p>
     * {@code term} 0: sent once the entry is committed. Otherwise sent once the entry is durable on
     * the coordinator, which made it in {@code term}: where two copies are enough ({@code min-acks}
     * at most 2) the follower's own durable copy of that entry (same seq, same term) is the second,
     * so it answers its client then, without another round trip for the commit.
     */
    public record Result(String fid, long seq, boolean created, String error, String refused, long term) {
        public static Result committed(String fid, long seq, boolean created) {
            return new Result(fid, seq, created, null, null, 0);
        }

        public static Result durableOnCoordinator(String fid, long seq, long term) {
            return new Result(fid, seq, true, null, null, term);
        }

        public static Result error(String fid, String error) {
            return new Result(fid, 0, false, error, null, 0);
        }

        public static Result refused(String fid, String reason) {
            return new Result(fid, 0, false, null, reason, 0);
        }
    }

    /**
     * A coordinator-to-be proposes {@code term}; the receiver adopts it (refusing older coordinators
     * from then on). Term 0 proposes nothing: a joining server asks whom the receiver follows.
     */
    public record StatusRequest(String node, long term) {
    }

    /**
     * {@code accepted}: the proposed term was later than any this server had, and it now follows it.
     * {@code coordinator}: whom the receiver knows as coordinator (itself if it leads), or null.
     */
    public record Status(String node, long term, boolean accepted, long lastSeq, long lastTerm, boolean caughtUp,
                         String coordinator) {
    }
}
