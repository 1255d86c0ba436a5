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
import io.zchat.shared.wire.Replies;
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
    /** Results for forwarded writes, per follower, sent together at the end of the group. */
    private final ForwardAnswers forwardAnswers = new ForwardAnswers();
    /** Writes ordered here, per seq, until it commits: this server's clients' and forwarded ones. */
    private final TreeMap<Long, List<Object>> awaitingCommit = new TreeMap<>();
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

    /**
     * A write another server forwarded: its client is answered from here once committed, and the
     * forwarding server, at {@code peer}, is told that this server is done with it.
     */
    private record RemoteWrite(List<byte[]> peer, PendingWrite write) {
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
    }

    /**
     * Up to which seq no follower can still need a line from this server's memory: all of them
     * once this server no longer leads (a follower serves nobody), else what every live peer and
     * every follower counted in this term holds durably.
     */
    long heldByEveryFollower() {
        if (replica.role != Role.LEADER) {
            return replica.role == Role.FOLLOWER ? Long.MAX_VALUE : 0;
        }
        return tracker == null ? 0 : tracker.heldByAll(view.peers().stream().map(Replies.ServerInfo::name).toList());
    }

    /** No more forwards are taken: followers send them again, to whoever coordinates next. */
    void stopTakingForwards() {
        draining = true;
    }

    // ---- ordering -----------------------------------------------------------------------------

    /** Orders one of this server's clients' writes (or one it took back from its forwards), answered at the commit. */
    void orderLocal(PendingWrite write) {
        if (!stillLeading()) {
            pending.forward(write);
            return;
        }
        if (order(write)) {
            awaitCommit(write.seq, write);
        }
    }

    /**
     * Orders a write; true when its client is to be answered at the commit of {@code write.seq}.
     * A refusal is answered at once. A write that may have been answered already (sent before, and
     * no result came) is answered only where it makes a new entry: one answered before is in the
     * log, and its client's retry is answered as before.
     */
    private boolean order(PendingWrite write) {
        Sequencer.Decision decision = order(write.write, write.body, write.id);
        if (decision.refusal() != null) {
            answerAtOnce(write, decision.refusal());
            return false;
        }
        if (write.maybeAnswered && decision.entry() == null) {
            LOG.debug("write {} may have been answered by an earlier coordinator: left to its client's retry",
                    write.id);
            return false;
        }
        write.reply = WriteErrors.success(write.write);
        write.seq = decision.entry() != null ? decision.entry().seq() : decision.existingSeq();
        write.publish = decision.entry();
        return true;
    }

    /** Answers a write that breaks a rule, unless it may have been answered before (its client's retry is then). */
    private void answerAtOnce(PendingWrite write, Object reply) {
        if (!write.maybeAnswered) {
            outbox.answerClient(write.route, write.service, reply, write.receivedNanos);
        }
    }

    private void awaitCommit(long seq, Object waiting) {
        if (seq <= replica.commit) {
            answerCommitted(waiting);
        } else {
            awaitingCommit.computeIfAbsent(seq, s -> new ArrayList<>()).add(waiting);
        }
    }

    private void answerCommitted(Object waiting) {
        if (waiting instanceof PendingWrite own) {
            pending.answer(own);
        } else if (waiting instanceof RemoteWrite remote) {
            pending.answer(remote.write());
            forwardAnswers.add(remote.peer(), ReplicaMessages.Result.done(remote.write().id));
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

    /**
     * Orders a forwarded write as if this server's client had sent it (the broker routes the answer
     * by the client's envelope, whichever server sends it): its client is answered from here, at the
     * commit or at once with an error, and the forwarding server is told when this server is done.
     */
    private void orderForwarded(List<byte[]> peer, ReplicaMessages.Write forwarded) {
        long received = System.nanoTime();
        List<byte[]> client = forwarded.route() == null ? List.of() : forwarded.route();
        Service service = Service.of(forwarded.service()).filter(Service::isWrite).orElse(null);
        Requests.Write body = null;
        String problem;
        if (service == null) {
            problem = "'" + forwarded.service() + "' is not a write";
        } else {
            try {
                body = (Requests.Write) codec.bodyOf(forwarded.request(), Sequencer.requestType(service),
                        forwarded.service());
                problem = null;
            } catch (WireFormatException e) {
                problem = e.getMessage();
            }
        }
        PendingWrite write = new PendingWrite(client, forwarded.service(), service, body, forwarded.request(),
                forwarded.fid(), received);
        write.maybeAnswered = forwarded.maybeAnswered();
        if (problem != null) {
            answerAtOnce(write, service == null ? Replies.Status.error(problem) : WriteErrors.reply(service, problem));
            forwardAnswers.add(peer, ReplicaMessages.Result.done(forwarded.fid()));
            return;
        }
        if (order(write)) {
            awaitCommit(write.seq, new RemoteWrite(peer, write));
        } else {
            forwardAnswers.add(peer, ReplicaMessages.Result.done(forwarded.fid()));
        }
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
        due.values().forEach(writes -> writes.forEach(this::answerCommitted));
        due.clear();
    }

    /** A forwarded write left waiting at a step-down, not answered here, goes again to whoever coordinates next. */
    private void refuseOnStepDown(RemoteWrite remote) {
        forwardAnswers.add(remote.peer(), ReplicaMessages.Result.refused(remote.write().id, "coordinator changed"));
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

    /** Seqs that writes wait on to be committed. */
    int uncommittedSeqs() {
        return awaitingCommit.size();
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
        for (HeldFetches.Held held : heldFetches.releaseAll()) {
            outbox.answerPeer(held.route(), ReplicaMessages.FETCH, entries(List.of(), null, "not coordinator"));
        }
        sendForwardAnswers();
        tracker = null;
        replica.role = Role.FOLLOWER;
    }
}
