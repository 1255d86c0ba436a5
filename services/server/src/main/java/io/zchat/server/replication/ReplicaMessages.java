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
    /** Follower → coordinator: client writes to order, each answered to its client by the coordinator. */
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

    /**
     * One forwarded write: {@code fid} is its request id, {@code request} the client's data map as it
     * came (MessagePack), {@code route} the client's envelope as the broker delivered it, so that the
     * coordinator answers the client itself (the broker routes a reply by its envelope, whichever
     * server sends it). {@code maybeAnswered}: it was sent before and no result came, so a
     * coordinator may have answered it already; it is then answered only if it makes a new entry
     * (a write answered before is in the log), and otherwise left to the client's retry, so that no
     * client ever gets two answers to one request.
     */
    public record Write(String fid, String service, byte[] request, List<byte[]> route, boolean maybeAnswered) {
    }

    /** The coordinator's results for forwarded writes, as many as it has for that follower at once. */
    public record Forwarded(List<Result> results) {
    }

    /**
     * What became of one forwarded write: {@code refused} null when the coordinator is done with it
     * (it answered the client: at the commit, or at once with an error; or it found it answered
     * before); otherwise why it did not take it (not, or no longer, coordinator; or it stepped down
     * before the commit, without answering), and the write goes again to whoever coordinates.
     */
    public record Result(String fid, String refused) {
        public static Result done(String fid) {
            return new Result(fid, null);
        }

        public static Result refused(String fid, String reason) {
            return new Result(fid, reason);
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
