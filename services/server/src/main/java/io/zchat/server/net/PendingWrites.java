package io.zchat.server.net;

import io.zchat.server.log.LogEntry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This server's clients' writes handed to the coordinator, kept until it is done with them (it
 * answers their clients itself); and the answering of committed writes, with the publications
 * that follow after the group. On the server loop's thread only.
 */
final class PendingWrites {
    private final Outbox outbox;
    private final Map<String, PendingWrite> forwards = new LinkedHashMap<>();
    /** This group's writes still to forward, sent together at its end. */
    private final List<PendingWrite> toForward = new ArrayList<>();
    private final List<LogEntry> toPublish = new ArrayList<>();

    PendingWrites(Outbox outbox) {
        this.outbox = outbox;
    }

    /** Keeps a write until the coordinator is done with it (it goes with the group, or again later). */
    void forward(PendingWrite write) {
        forwards.put(write.id, write);
    }

    /** Sends a write kept by {@link #forward} at the end of this group. */
    void forwardWithGroup(PendingWrite write) {
        toForward.add(write);
    }

    List<PendingWrite> toForward() {
        return toForward;
    }

    void clearToForward() {
        toForward.clear();
    }

    Collection<PendingWrite> forwarded() {
        return forwards.values();
    }

    PendingWrite forwarded(String fid) {
        return forwards.get(fid);
    }

    /** The coordinator is done with the write: it answered its client, or leaves it to the client's retry. */
    void doneByCoordinator(String fid) {
        forwards.remove(fid);
    }

    /** Every forwarded write, taken back to be ordered here (this server now coordinates). */
    List<PendingWrite> takeForwarded() {
        List<PendingWrite> waiting = new ArrayList<>(forwards.values());
        waiting.forEach(PendingWrite::takenOver);
        forwards.clear();
        toForward.clear();
        return waiting;
    }

    /** Answers a committed write's client; its new entry is published after the group. */
    void answer(PendingWrite write) {
        outbox.answerClient(write.route, write.service, write.reply, write.receivedNanos);
        if (write.publish != null) {
            toPublish.add(write.publish);
        }
    }

    void publishAnswered(EntryPublisher publisher) {
        for (LogEntry entry : toPublish) {
            publisher.publish(entry);
        }
        toPublish.clear();
    }

    /** The writes kept here until the coordinator is done with them. */
    int count() {
        return forwards.size();
    }

    boolean isEmpty() {
        return toForward.isEmpty() && forwards.isEmpty();
    }
}
