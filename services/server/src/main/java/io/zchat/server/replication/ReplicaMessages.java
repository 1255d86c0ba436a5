package io.zchat.server.replication;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Server-to-server replication messages, on each server's peer endpoint (the coordinator's ROUTER
 * answers followers' DEALERs). Every one carries the sender's term.
 */
public final class ReplicaMessages {
    /**
     * Follower → coordinator: entries after ({@code lastSeq}, {@code lastTerm}); {@code durable}
     * acks. With {@code recovery}, a coordinator-to-be reads from a follower's log instead.
     */
    public static final String FETCH = "fetch";
    /** Follower → coordinator: a client write to order, answered once committed. */
    public static final String FORWARD = "forward";
    /** Coordinator → its candidates' peers: how far each log goes (used before ordering new writes). */
    public static final String STATUS = "replica_status";

    private ReplicaMessages() {
    }

    public record Fetch(String node, long term, long lastSeq, long lastTerm, long durable, boolean recovery) {
    }

    /**
     * The answer to a fetch: {@code entries} (log lines, oldest first, right after the follower's
     * last seq), or {@code truncate} when the follower's tail diverges; {@code refused} when the
     * answering server cannot serve (not coordinator, recovering, or older term).
     */
    public record Entries(String node, long term, long lastSeq, long commit, long now, List<byte[]> entries,
                          Long truncate, String refused) {
    }

    /** A client write forwarded for ordering; {@code request} is the client's data map. */
    public record Forward(String node, long term, String fid, String service, ObjectNode request) {
    }

    /**
     * The coordinator's answer to a forward, sent once the entry is committed: the client's reply,
     * the entry's seq, and the entry itself when this forward created it (the forwarding server
     * publishes it); {@code refused} when the answering server is not (or no longer) coordinator.
     */
    public record Forwarded(String fid, long seq, ObjectNode reply, byte[] entry, String refused) {
    }

    /** A coordinator-to-be proposes {@code term}; the receiver adopts it (refusing older coordinators from then on). */
    public record StatusRequest(String node, long term) {
    }

    /** {@code accepted}: the proposed term was later than any this server had, and it now follows it. */
    public record Status(String node, long term, boolean accepted, long lastSeq, long lastTerm, boolean caughtUp) {
    }
}
