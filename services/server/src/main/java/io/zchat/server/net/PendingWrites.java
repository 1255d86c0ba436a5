package io.zchat.server.net;

import io.zchat.server.log.LogEntry;
import io.zchat.server.log.ReplicationLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * This server's clients' writes outside the coordinator's own wait for a commit: those handed to
 * the coordinator and not answered by it yet, and those it answered whose entry has not reached
 * this server yet; and the answering of them, with the publications that follow after the group.
 * On the server loop's thread only.
 */
final class PendingWrites {
    private static final Logger LOG = LoggerFactory.getLogger(PendingWrites.class);

    private final Outbox outbox;
    private final ReplicationLog log;
    private final Map<String, PendingWrite> forwards = new LinkedHashMap<>();
    /** This group's writes still to forward, sent together at its end. */
    private final List<PendingWrite> toForward = new ArrayList<>();
    private final TreeMap<Long, List<PendingWrite>> awaitingApply = new TreeMap<>();
    private final List<LogEntry> toPublish = new ArrayList<>();

    PendingWrites(Outbox outbox, ReplicationLog log) {
        this.outbox = outbox;
        this.log = log;
    }

    /** Keeps a write until the coordinator answers it (it goes to the coordinator with the group, or again later). */
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

    void answeredByCoordinator(String fid) {
        forwards.remove(fid);
    }

    /** Every forwarded write, taken back to be ordered here (this server now coordinates). */
    List<PendingWrite> takeForwarded() {
        List<PendingWrite> waiting = new ArrayList<>(forwards.values());
        forwards.clear();
        toForward.clear();
        return waiting;
    }

    /** A write the coordinator answered, answered here once its entry is durable here too. */
    void awaitApply(PendingWrite write) {
        awaitingApply.computeIfAbsent(write.seq, s -> new ArrayList<>()).add(write);
    }

    /**
     * Whether this server holds the write's entry durably: at its seq, and, when the coordinator
     * answered before the commit, in the coordinator's term (a divergent tail from an earlier term,
     * not cut back yet, may hold another entry at that seq: that one is no copy of it).
     */
    boolean holdsEntryOf(PendingWrite write) {
        return write.seq <= log.durableSeq() && (write.term == 0 || log.termAt(write.seq) == write.term);
    }

    /** Answers forwarded writes whose entry this server now holds too (so it reads its own writes). */
    void releaseApplied(long durableSeq) {
        Map<Long, List<PendingWrite>> due = awaitingApply.headMap(durableSeq, true);
        List<PendingWrite> notYet = new ArrayList<>();
        due.values().forEach(list -> list.forEach(write -> {
            if (holdsEntryOf(write)) {
                answer(write);
            } else {
                notYet.add(write);
            }
        }));
        due.clear();
        notYet.forEach(this::awaitApply);
    }

    void answer(PendingWrite write) {
        outbox.answerClient(write.route, write.service, write.reply, write.receivedNanos);
        LogEntry publish = write.publish != null ? write.publish : write.created ? log.entry(write.seq) : null;
        if (publish != null && !write.id.equals(publish.id())) {
            // the coordinator's connection orders a cut of a divergent tail before this answer, so
            // this cannot happen; if it ever does, publishing another write would be worse than none
            LOG.error("entry {} here is not write {}; not publishing it", write.seq, write.id);
            publish = null;
        }
        if (publish != null) {
            toPublish.add(publish);
        }
    }

    void publishAnswered(EntryPublisher publisher) {
        for (LogEntry entry : toPublish) {
            publisher.publish(entry);
        }
        toPublish.clear();
    }

    /** The writes kept here: forwarded, or committed but not applied here. */
    int count() {
        int waiting = forwards.size();
        for (List<PendingWrite> group : awaitingApply.values()) {
            waiting += group.size();
        }
        return waiting;
    }

    boolean isEmpty() {
        return toForward.isEmpty() && forwards.isEmpty() && awaitingApply.isEmpty();
    }

    int forwardedCount() {
        return forwards.size();
    }

    /** Seqs whose entry has not reached this server yet. */
    int seqsNotYetHere() {
        return awaitingApply.size();
    }

    long lastSeqNotYetHere() {
        return awaitingApply.isEmpty() ? 0 : awaitingApply.lastKey();
    }
}
