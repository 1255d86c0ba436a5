package io.zchat.server.net;

import io.zchat.server.ServerProperties;
import io.zchat.server.cluster.ClusterView;
import io.zchat.server.handler.WriteErrors;
import io.zchat.server.log.LogEntry;
import io.zchat.server.log.ReplicationLog;
import io.zchat.server.log.TermFile;
import io.zchat.server.net.ServerLoop.Role;
import io.zchat.server.replication.CommitTracker;
import io.zchat.server.replication.FetchBudget;
import io.zchat.server.replication.LogMatch;
import io.zchat.server.replication.ReplicaMessages;
import io.zchat.server.replication.Sequencer;
import io.zchat.server.state.ChatState;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The coordinator's side of the replication, on the server loop's thread: it becomes coordinator
 * (after recovering, if a peer's log is ahead), orders this server's clients' writes and the ones
 * followers forward, serves fetches (holding those with nothing new), tracks the commit point and
 * then answers what waited for it; and it steps down, handing its waiting writes on.
 */
final class Coordinator {
    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

    private final ServerProperties properties;
    private final ReplicationLog log;
    private final ChatState state;
    private final TermFile termFile;
    private final Clocks clocks;
    private final WireCodec codec;
    private final ClusterView view;
    private final ReplicaState replica;
    private final Outbox outbox;
    private final Upstream upstream;
    private final PendingWrites pending;
    private final FetchBudget fetchBudget;
    private final Consumer<Runnable> afterFlush;
    private final Runnable deposed;
    /** Answers to forwarded writes, per follower, sent together at the end of the group. */
    private final ForwardAnswers forwardAnswers = new ForwardAnswers();
    private final TreeMap<Long, List<Object>> awaitingCommit = new TreeMap<>();
    /** Forwarded writes of new entries, answered once this server's copy is durable (see {@link #answerOwnCopies}). */
    private final TreeMap<Long, List<RemoteWrite>> awaitingOwnCopy = new TreeMap<>();
    /** How long a held fetch waits, once the commit point has moved, before it is answered with it. */
    static final long COMMIT_NOTICE_MS = 20;
    private final HeldFetches heldFetches = new HeldFetches(COMMIT_NOTICE_MS);
    private CommitTracker tracker;
    /**
     * The term this server won and orders in. The term file can move on under it: the cluster loop
     * raises it (on its own thread) to propose a candidacy or take another's, so entries take this
     * term, and a server whose term file passed it does not start ordering, or stops (see
     * {@link #stillLeading()}).
     */
    private long leadingTerm;
    private boolean draining;
    private long unreadableWarnedAt;

    /**
     * @param afterFlush runs a task after the group's log write
     * @param deposed    tells the cluster loop this server stopped being coordinator without hearing a new one
     */
    Coordinator(ServerProperties properties, ReplicationLog log, ChatState state, TermFile termFile, Clocks clocks,
                WireCodec codec, ClusterView view, ReplicaState replica, Outbox outbox, Upstream upstream,
                PendingWrites pending, FetchBudget fetchBudget, Consumer<Runnable> afterFlush, Runnable deposed) {
        this.properties = properties;
        this.fetchBudget = fetchBudget;
        this.log = log;
        this.state = state;
        this.termFile = termFile;
        this.clocks = clocks;
        this.codec = codec;
        this.view = view;
        this.replica = replica;
        this.outbox = outbox;
        this.upstream = upstream;
        this.pending = pending;
        this.afterFlush = afterFlush;
        this.deposed = deposed;
    }

    /** A write another server forwarded, answered once committed (or its new entry is durable here). */
    private record RemoteWrite(List<byte[]> route, String fid, boolean created) {
    }

    /**
     * Become coordinator in {@code term} (already taken), after catching up from {@code source} up to
     * {@code sourceSeq} when given: a log more advanced than this one, whose entries this server
     * takes (cutting back its own divergent tail first) before it orders anything.
     */
    void lead(long term, String source, long sourceSeq) {
        if (termFile.term() != term) {
            LOG.warn("term {} was overtaken by term {} before this server could lead it", term,
                    termFile.term());
            deposed.run();
            return;
        }
        leadingTerm = term;
        tracker = null;
        // a source is more advanced than this log (see LogMatch.isAhead), though maybe shorter
        long reach = source != null ? sourceSeq : log.lastSeq();
        if (!replica.canLead() || reach < replica.committedFloor) {
            LOG.warn("not leading term {}: {}", term, !replica.canLead() ? "this server cannot write its log ("
                    + replica.logProblem + ")" : "no log on board reaches seq " + replica.committedFloor
                    + ", known committed (this server's own copy was damaged); waiting for a server that has it");
            deposed.run();
            return;
        }
        if (source != null) {
            replica.role = Role.RECOVERING;
            replica.recoveryTarget = sourceSeq;
            upstream.connect(source, source);
            LOG.info("term {}: recovering from {} (its log ends at seq {}, in a later term or further than this "
                    + "one's {}) before ordering", term, source, sourceSeq, log.lastSeq());
            upstream.sendFetch();
        } else {
            startLeading();
        }
    }

    /** Orders from now on, in the term {@link #lead} was given, unless a later one was taken meanwhile. */
    void startLeading() {
        upstream.close();
        if (termFile.term() != leadingTerm) {
            // while it recovered, its cluster loop proposed or accepted a later term: that term is
            // some election's, maybe another server's, and it never won it
            LOG.warn("term {} was overtaken by term {} while this server recovered: not leading", leadingTerm,
                    termFile.term());
            replica.role = Role.FOLLOWER;
            deposed.run();
            return;
        }
        replica.role = Role.LEADER;
        replica.caughtUp = true;
        replica.lagEntries = 0;
        replica.lagMillis = 0;
        // the term's first entry: what this server adopted from earlier terms commits with it
        LogEntry start = Sequencer.termStart(state, clocks, leadingTerm);
        append(start);
        tracker = new CommitTracker(properties.replication().minAcks(), replica.commit, start.seq());
        LOG.info("ordering writes in term {} from seq {}", leadingTerm, start.seq());
        List<PendingWrite> waiting = pending.takeForwarded();
        waiting.forEach(this::orderLocal);
        afterFlush.accept(() -> {
            // it may have stepped down again before its first flush
            if (replica.role == Role.LEADER) {
                countOwnCopy();
            }
        });
    }

    /** This server's own copy counts once it is durable. */
    void countOwnCopy() {
        advanceCommit(tracker.durable(view.self(), log.durableSeq()));
        answerOwnCopies();
    }

    /**
     * Answers the forwarded writes whose new entry is now durable here. The follower that forwarded
     * one answers its client once its own copy of the entry is durable too: two copies, enough
     * where {@code min-acks} is at most 2, and a round trip sooner than waiting for this server to
     * hear of the commit from a fetch and tell it. An entry at that seq in another term, on a
     * follower whose log has yet to be cut back, is not a copy (the follower checks the term).
     */
    private void answerOwnCopies() {
        Map<Long, List<RemoteWrite>> due = awaitingOwnCopy.headMap(log.durableSeq(), true);
        due.forEach((seq, writes) -> writes.forEach(remote -> forwardAnswers.add(remote.route(),
                ReplicaMessages.Result.durableOnCoordinator(remote.fid(), seq, leadingTerm))));
        due.clear();
    }

    /** No more forwards are taken: followers send them again, to whoever coordinates next. */
    void stopTakingForwards() {
        draining = true;
    }

    // ---- ordering -----------------------------------------------------------------------------

    void orderLocal(PendingWrite write) {
        if (!stillLeading()) {
            pending.forward(write);
            return;
        }
        Sequencer.Decision decision = order(write.write, write.body, write.id);
        if (decision.refusal() != null) {
            outbox.answerClient(write.route, write.service, decision.refusal(), write.receivedNanos);
            return;
        }
        write.reply = WriteErrors.success(write.write);
        if (decision.entry() != null) {
            write.seq = decision.entry().seq();
            write.publish = decision.entry();
        } else {
            write.seq = decision.existingSeq();
        }
        if (write.seq <= replica.commit) {
            pending.answer(write);
        } else {
            awaitingCommit.computeIfAbsent(write.seq, s -> new ArrayList<>()).add(write);
        }
    }

    /** Orders a write in this term: a new entry is appended to the log and applied. */
    private Sequencer.Decision order(Service service, Requests.Write body, String id) {
        Sequencer.Decision decision = Sequencer.order(state, clocks, leadingTerm, service, body, id);
        if (decision.entry() != null) {
            append(decision.entry());
        }
        return decision;
    }

    /** Appends an entry ordered here to the log and applies it. */
    private void append(LogEntry entry) {
        log.append(entry);
        state.apply(entry);
    }

    void takeForward(List<byte[]> route, ReplicaMessages.Forward forward) {
        if (replica.role == Role.LEADER) {
            stillLeading();
        }
        List<ReplicaMessages.Write> writes = forward.writes() == null ? List.of() : forward.writes();
        for (ReplicaMessages.Write write : writes) {
            if (replica.role != Role.LEADER || draining) {
                // refused writes are sent again soon, to whoever coordinates by then
                forwardAnswers.add(route, ReplicaMessages.Result.refused(write.fid(),
                        draining ? "coordinator is stopping" : "not coordinator"));
            } else {
                orderForwarded(route, write);
            }
        }
    }

    private void orderForwarded(List<byte[]> route, ReplicaMessages.Write write) {
        Service service = Service.of(write.service()).filter(Service::isWrite).orElse(null);
        if (service == null) {
            forwardAnswers.add(route, ReplicaMessages.Result.error(write.fid(), "'" + write.service() + "' is not a write"));
            return;
        }
        Requests.Write body;
        try {
            body = (Requests.Write) codec.bodyOf(write.request(), Sequencer.requestType(service), write.service());
        } catch (WireFormatException e) {
            forwardAnswers.add(route, ReplicaMessages.Result.error(write.fid(), e.getMessage()));
            return;
        }
        Sequencer.Decision decision = order(service, body, write.fid());
        if (decision.refusal() != null) {
            forwardAnswers.add(route, ReplicaMessages.Result.error(write.fid(), decision.problem()));
            return;
        }
        long seq = decision.entry() != null ? decision.entry().seq() : decision.existingSeq();
        RemoteWrite remote = new RemoteWrite(route, write.fid(), decision.entry() != null);
        if (decision.entry() != null && properties.replication().minAcks() <= 2) {
            awaitingOwnCopy.computeIfAbsent(seq, s -> new ArrayList<>()).add(remote);
        } else if (seq <= replica.commit) {
            answerRemote(remote, seq);
        } else {
            awaitingCommit.computeIfAbsent(seq, s -> new ArrayList<>()).add(remote);
        }
    }

    private void answerRemote(RemoteWrite remote, long seq) {
        forwardAnswers.add(remote.route(), ReplicaMessages.Result.committed(remote.fid(), seq, remote.created()));
    }

    void sendForwardAnswers() {
        forwardAnswers.drain((route, results) ->
                outbox.answerPeer(route, ReplicaMessages.FORWARD, new ReplicaMessages.Forwarded(results)));
    }

    // ---- fetches ------------------------------------------------------------------------------

    /** A follower (or a recovering coordinator) asks for entries after its last one. */
    void takeFetch(List<byte[]> route, ReplicaMessages.Fetch fetch) {
        if (replica.role == Role.LEADER) {
            stillLeading();
        }
        if (fetch.term() > termFile.term() && replica.role == Role.LEADER) {
            LOG.warn("{} is in term {}, later than this coordinator's {}: stepping down",
                    fetch.node(), fetch.term(), termFile.term());
            stepDown();
            deposed.run();
        }
        // only a coordinator feeds followers (and may tell them to cut their log); a coordinator
        // of this term that is still recovering may read any follower's log
        boolean serving = replica.role == Role.LEADER
                || (fetch.recovery() && replica.role == Role.FOLLOWER && fetch.term() >= termFile.term());
        if (!serving) {
            outbox.answerPeer(route, ReplicaMessages.FETCH, entries(List.of(), null,
                    replica.role == Role.RECOVERING ? "recovering" : "not coordinator"));
            return;
        }
        Long truncate = LogMatch.truncateTo(log, fetch.lastSeq(), fetch.lastTerm(), fetch.lastTermStart());
        if (truncate != null) {
            outbox.answerPeer(route, ReplicaMessages.FETCH, entries(List.of(), truncate, null));
            return;
        }
        if (replica.role == Role.LEADER) {
            advanceCommit(tracker.durable(fetch.node(), Math.min(fetch.durable(), fetch.lastSeq())));
        }
        List<byte[]> lines = read(fetch.lastSeq());
        long now = System.currentTimeMillis();
        if (lines.isEmpty() && fetch.lastSeq() < log.durableSeq() && now - unreadableWarnedAt >= 10_000) {
            // never expected: a durable line always reads back (damage is found and logged there);
            // said at most every 10 s, since the follower asks again at once
            unreadableWarnedAt = now;
            LOG.warn("{} is at seq {}, behind this log's durable seq {}, yet nothing reads back after it",
                    fetch.node(), fetch.lastSeq(), log.durableSeq());
        }
        if (lines.isEmpty() && replica.role == Role.LEADER && HeldFetches.mayHold(fetch)) {
            heldFetches.hold(route, fetch, now, now + properties.replication().fetchWait().toMillis());
            return;
        }
        answerFetch(route, fetch.node(), lines);
    }

    /** Answers a fetch with entries (maybe none) and the commit point, which that follower then knows. */
    private void answerFetch(List<byte[]> route, String node, List<byte[]> lines) {
        heldFetches.told(node, replica.commit);
        outbox.answerPeer(route, ReplicaMessages.FETCH, entries(lines, null, null));
    }

    /** What a follower gets: as coordinator, appended entries too; otherwise (recovery reads) durable ones. */
    private List<byte[]> read(long after) {
        int max = fetchBudget.entries();
        int maxBytes = fetchBudget.lineBytes();
        return replica.role == Role.LEADER ? log.readAppended(after, max, maxBytes) : log.read(after, max, maxBytes);
    }

    private ReplicaMessages.Entries entries(List<byte[]> lines, Long truncate, String refused) {
        return new ReplicaMessages.Entries(view.self(), termFile.term(), log.durableSeq(), replica.commit,
                clocks.physical().millis(), lines, truncate, refused);
    }

    /** Answers the held fetches that now have new entries. */
    void answerParkedFetches() {
        heldFetches.answerWhere(held -> {
            List<byte[]> lines = read(held.fetch().lastSeq());
            if (lines.isEmpty()) {
                return false;
            }
            answerFetch(held.route(), held.fetch().node(), lines);
            return true;
        });
    }

    /** Answers the held fetches that are due without entries (see {@link HeldFetches}). */
    void answerExpiredFetches(long now) {
        heldFetches.answerWhere(held -> {
            if (!heldFetches.due(held, now, replica.commit)) {
                return false;
            }
            answerFetch(held.route(), held.fetch().node(), List.of());
            return true;
        });
    }

    // ---- commit -------------------------------------------------------------------------------

    private void advanceCommit(long newCommit) {
        if (newCommit <= replica.commit && awaitingCommit.isEmpty()) {
            return;
        }
        replica.commit = Math.max(replica.commit, newCommit);
        Map<Long, List<Object>> due = awaitingCommit.headMap(replica.commit, true);
        for (Map.Entry<Long, List<Object>> e : due.entrySet()) {
            for (Object waiting : e.getValue()) {
                if (waiting instanceof PendingWrite p) {
                    pending.answer(p);
                } else if (waiting instanceof RemoteWrite r) {
                    answerRemote(r, e.getKey());
                }
            }
        }
        due.clear();
    }

    /** A forwarded write left waiting at a step-down goes again, to whoever coordinates next. */
    private void refuseOnStepDown(RemoteWrite remote) {
        forwardAnswers.add(remote.route(), ReplicaMessages.Result.refused(remote.fid(), "coordinator changed"));
    }

    /** This server's clients' writes ordered here and not committed yet. */
    int waitingClientWrites() {
        int waiting = 0;
        for (List<Object> group : awaitingCommit.values()) {
            for (Object w : group) {
                if (w instanceof PendingWrite) {
                    waiting++;
                }
            }
        }
        return waiting;
    }

    /** Seqs that writes wait on to be committed (or, forwarded ones, to be durable here). */
    int uncommittedSeqs() {
        return awaitingCommit.size() + awaitingOwnCopy.size();
    }

    /**
     * Whether this server still leads the term it orders in; if its term file has moved past it
     * (its cluster loop proposed a later term), it steps down, so that no entry of a term another
     * server leads is ever written here.
     */
    private boolean stillLeading() {
        if (replica.role != Role.LEADER) {
            return false;
        }
        if (termFile.term() == leadingTerm) {
            return true;
        }
        LOG.warn("this server's term moved from {} to {} while it led: stepping down", leadingTerm, termFile.term());
        stepDown();
        deposed.run();
        return false;
    }

    /** No longer coordinator: hand waiting writes to whoever leads next; their ids keep them single. */
    void stepDown() {
        for (List<Object> waiting : awaitingCommit.values()) {
            for (Object w : waiting) {
                if (w instanceof PendingWrite p) {
                    pending.forward(p);
                } else if (w instanceof RemoteWrite r) {
                    refuseOnStepDown(r);
                }
            }
        }
        awaitingCommit.clear();
        awaitingOwnCopy.values().forEach(writes -> writes.forEach(this::refuseOnStepDown));
        awaitingOwnCopy.clear();
        for (HeldFetches.Held held : heldFetches.releaseAll()) {
            outbox.answerPeer(held.route(), ReplicaMessages.FETCH, entries(List.of(), null, "not coordinator"));
        }
        sendForwardAnswers();
        tracker = null;
        replica.role = Role.FOLLOWER;
    }
}
