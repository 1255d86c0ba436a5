package io.zchat.server.net;

import io.zchat.server.log.LogEntry;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;

import java.util.List;

/**
 * A client write until it is answered: by the coordinator that orders it, once committed. A
 * follower keeps its own clients' writes until the coordinator is done with them; the coordinator
 * keeps the ones it ordered, its own clients' and forwarded ones alike, until the commit.
 */
final class PendingWrite {
    /** The client's envelope: whichever server sends the answer, the broker routes it by this. */
    final List<byte[]> route;
    final String service;
    final Service write;
    final Requests.Write body;
    /** The request's data map as it came (MessagePack), forwarded as is. */
    final byte[] data;
    final String id;
    final long receivedNanos;
    /** When it goes to the coordinator again if no result has come. */
    long resendAt;
    /** Sent to a coordinator, and no result has come yet. */
    boolean inFlight;
    /**
     * Sent again while in flight (the coordinator was silent or changed): one may have answered it,
     * so it is answered only where it makes a new entry (see
     * {@link io.zchat.server.replication.ReplicaMessages.Write}).
     */
    boolean maybeAnswered;
    long seq;
    Object reply;
    /** The new entry to publish once answered (null when the write found its entry made before). */
    LogEntry publish;

    PendingWrite(List<byte[]> route, String service, Service write, Requests.Write body, byte[] data, String id,
                 long receivedNanos) {
        this.route = route;
        this.service = service;
        this.write = write;
        this.body = body;
        this.data = data;
        this.id = id;
        this.receivedNanos = receivedNanos;
    }

    /** Handed to a coordinator (again): still in flight from an earlier send, it may have been answered. */
    void sent(long resendAt) {
        if (inFlight) {
            maybeAnswered = true;
        }
        inFlight = true;
        this.resendAt = resendAt;
    }

    /** A coordinator refused it: it did not answer it (an earlier one still may have). */
    void refused(long resendAt) {
        inFlight = false;
        this.resendAt = resendAt;
    }

    /** Taken over by this server as it becomes coordinator: a write still in flight may have been answered. */
    void takenOver() {
        if (inFlight) {
            maybeAnswered = true;
            inFlight = false;
        }
    }
}
