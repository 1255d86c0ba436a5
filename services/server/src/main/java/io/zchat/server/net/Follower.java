package io.zchat.server.net;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.zchat.server.ServerProperties;
import io.zchat.server.cluster.ClusterView;
import io.zchat.server.log.LogEntry;
import io.zchat.server.log.ReplicationLog;
import io.zchat.server.log.TermFile;
import io.zchat.server.net.ServerLoop.Role;
import io.zchat.server.replication.ReplicaMessages;
import io.zchat.server.state.ChatState;
import io.zchat.shared.clock.Clocks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The follower's side of the replication, on the server loop's thread: it follows a coordinator,
 * forwards this server's clients' writes to it in batches, with their clients' envelopes (the
 * coordinator answers those clients), keeps each until the coordinator is done with it (sending it
 * again when the result is overdue or it was refused), and appends the entries it fetches (cutting
 * a divergent tail first). A coordinator-to-be that recovers from a peer takes that peer's entries
 * here too.
 */
final class Follower {
    private static final Logger LOG = LoggerFactory.getLogger(Follower.class);
    /** Most writes, and about the most bytes of them, in one forward message (well under the frame limit). */
    private static final int FORWARD_BATCH = 256;
    private static final int FORWARD_BATCH_BYTES = 256 * 1024;
    /** How long the coordinator may keep saying it is not ordering before a follower elects. */
    private static final long NOT_LEADING_PATIENCE_MS = 2000;

    private final ServerProperties properties;
    private final ReplicationLog log;
    private final ChatState state;
    private final TermFile termFile;
    private final Clocks clocks;
    private final ClusterView view;
    private final ReplicaState replica;
    private final Upstream upstream;
    private final PendingWrites pending;
    private final Coordinator coordinator;
    private final LocalStorage storage;
    private final Consumer<Runnable> afterFlush;
    private final Runnable deposed;
    private final Runnable notLeading;
    private final Counter gaps;
    private final Counter corruptions;
    /** Per answer that brought entries: how long after the coordinator ordered the oldest it arrived. */
    private final Timer delays;
    /** Since when the upstream has kept saying it is not coordinator (0: it has not). */
    private long notLeadingSince;
    /** An empty answer while behind was reported; again only after entries have come since. */
    private boolean warnedEmptyAnswer;
    private long forwardsRetriedAt;

    /**
     * @param afterFlush runs a task after the group's log write
     * @param deposed    tells the cluster loop this server stopped being coordinator without hearing a new one
     * @param notLeading tells the cluster loop the coordinator has kept saying, for a while, that it is not ordering
     */
    Follower(ServerProperties properties, ReplicationLog log, ChatState state, TermFile termFile, Clocks clocks,
             ClusterView view, ReplicaState replica, Upstream upstream, PendingWrites pending, Coordinator coordinator,
             LocalStorage storage, Consumer<Runnable> afterFlush, Runnable deposed, Runnable notLeading,
             Counter gaps, Counter corruptions, Timer delays) {
        this.properties = properties;
        this.log = log;
        this.state = state;
        this.termFile = termFile;
        this.clocks = clocks;
        this.view = view;
        this.replica = replica;
        this.upstream = upstream;
        this.pending = pending;
        this.coordinator = coordinator;
        this.storage = storage;
        this.afterFlush = afterFlush;
        this.deposed = deposed;
        this.notLeading = notLeading;
        this.gaps = gaps;
        this.corruptions = corruptions;
        this.delays = delays;
    }

    /** Follow coordinator {@code name} at {@code address}. */
    void follow(String name, String address) {
        if (replica.role == Role.LEADER || replica.role == Role.RECOVERING) {
            LOG.info("stepping down: {} is coordinator", name);
            coordinator.stepDown();
        }
        replica.role = Role.FOLLOWER;
        if (!address.equals(upstream.address())) {
            LOG.info("following {} at {}", name, address);
            upstream.connect(name, address);
            replica.caughtUp = false;
            resendForwards();
            upstream.sendFetch();
        }
    }

    // ---- forwarded writes ---------------------------------------------------------------------

    /** Forwards this group's writes (see {@link PendingWrites#forwardWithGroup}). */
    void sendGroupForwards() {
        sendForwards(pending.toForward());
        pending.clearToForward();
    }

    /** Forwards writes to the coordinator, many per message (up to a bound in count and bytes). */
    private void sendForwards(Collection<PendingWrite> writes) {
        if (writes.isEmpty() || !upstream.isOpen()) {
            return;
        }
        long now = System.currentTimeMillis();
        List<ReplicaMessages.Write> batch = new ArrayList<>(Math.min(writes.size(), FORWARD_BATCH));
        int bytes = 0;
        long resendAt = now + properties.replication().retryAfter().toMillis();
        for (PendingWrite write : writes) {
            write.sent(resendAt);
            batch.add(new ReplicaMessages.Write(write.id, write.write.wireName(), write.data, write.route,
                    write.maybeAnswered));
            bytes += write.data.length;
            for (byte[] frame : write.route) {
                bytes += frame.length;
            }
            if (batch.size() == FORWARD_BATCH || bytes >= FORWARD_BATCH_BYTES) {
                upstream.send(ReplicaMessages.FORWARD, new ReplicaMessages.Forward(view.self(), termFile.term(), batch));
                batch = new ArrayList<>();
                bytes = 0;
            }
        }
        if (!batch.isEmpty()) {
            upstream.send(ReplicaMessages.FORWARD, new ReplicaMessages.Forward(view.self(), termFile.term(), batch));
        }
    }

    /**
     * Sends again each forwarded write whose result is overdue, or that was refused (soon after).
     * Per write, not per link: a coordinator that keeps answering fetches may still have lost a
     * forward (sent to it as it took over, or refused while it stopped), which must not wait forever.
     */
    void retryForwards(long now) {
        if (now - forwardsRetriedAt < Upstream.RETRY_SOON_MS) {
            return;
        }
        forwardsRetriedAt = now;
        List<PendingWrite> due = new ArrayList<>();
        for (PendingWrite p : pending.forwarded()) {
            if (now >= p.resendAt) {
                due.add(p);
            }
        }
        sendForwards(due);
    }

    private void resendForwards() {
        pending.clearToForward();
        sendForwards(pending.forwarded());
    }

    /** The coordinator's results: it is done with a write (it answered its client), or refused it for now. */
    void takeForwarded(ReplicaMessages.Forwarded answer) {
        List<ReplicaMessages.Result> results = answer.results() == null ? List.of() : answer.results();
        for (ReplicaMessages.Result result : results) {
            PendingWrite write = pending.forwarded(result.fid());
            if (write == null) {
                continue;
            }
            if (result.refused() != null) {
                write.refused(System.currentTimeMillis() + Upstream.RETRY_SOON_MS);
            } else {
                pending.doneByCoordinator(result.fid());
            }
        }
    }

    // ---- fetched entries ----------------------------------------------------------------------

    /** Entries from the coordinator (or the recovery source): append those that continue the log. */
    void takeEntries(ReplicaMessages.Entries answer) {
        upstream.answered();
        if (answer.refused() != null) {
            noticeNotLeading(answer.refused());
            upstream.retrySoon();
            return;
        }
        notLeadingSince = 0;
        if (answer.term() < termFile.term() && replica.role == Role.FOLLOWER) {
            LOG.warn("ignoring entries from {} in old term {} (this server is in term {})", answer.node(),
                    answer.term(), termFile.term());
            return;
        }
        try {
            if (replica.role == Role.FOLLOWER) {
                termFile.raise(answer.term());
            }
            if (answer.truncate() != null) {
                if (answer.truncate() < replica.commit) {
                    // never expected: the coordinator recovered from the most advanced log on board,
                    // which holds every committed entry; cutting would lose acknowledged writes
                    LOG.error("{} asks to cut this log back to seq {}, below seq {} known committed: refused",
                            answer.node(), answer.truncate(), replica.commit);
                    return;
                }
                truncateTo(answer.truncate());
                afterFlush.accept(upstream::sendFetch);
                return;
            }
        } catch (IOException e) {
            storage.failLog(e);
            return;
        }
        if (replica.logProblem != null) {
            // nothing more is taken while the disk fails (it would only pile up in memory); the
            // fetch goes again on the timer, and the next one succeeds once the disk works
            return;
        }
        List<byte[]> lines = answer.entries() == null ? List.of() : answer.entries();
        long behind = Math.max(0, answer.lastSeq() - log.lastSeq());
        long oldestNew = 0;
        for (byte[] line : lines) {
            long seq = ReplicationLog.seqOf(line);
            if (seq <= log.lastSeq()) {
                continue;
            }
            if (seq == log.lastSeq() + 1 && !log.accepts(line)) {
                corruptions.increment();
                LOG.error("entry {} from {} fails its checksum: not stored; asking again", seq, answer.node());
                break;
            }
            LogEntry entry = seq == log.lastSeq() + 1 ? ReplicationLog.parse(line) : null;
            if (entry == null) {
                gaps.increment();
                LOG.warn("entry {} from {} does not continue the log at {}: asking again", seq, answer.node(),
                        log.lastSeq());
                break;
            }
            if (oldestNew == 0) {
                oldestNew = entry.timestamp().toEpochMilli();
            }
            log.appendLine(entry, line);
            state.apply(entry);
            clocks.lamport().advanceTo(entry.clock());
        }
        if (replica.role == Role.FOLLOWER) {
            replica.commit = Math.max(replica.commit, Math.min(answer.commit(), log.lastSeq()));
        }
        // how far behind this server was when the answer came: the entries it lacked, and how long
        // ago the coordinator ordered the oldest of them (clocks are Berkeley-synced)
        replica.lagEntries = behind;
        if (lines.isEmpty() && behind > 0 && !warnedEmptyAnswer) {
            warnedEmptyAnswer = true;
            LOG.warn("{} holds seq {} durably but sent nothing after this log's {}", answer.node(),
                    answer.lastSeq(), log.lastSeq());
        } else if (oldestNew != 0) {
            warnedEmptyAnswer = false;
        }
        replica.lagMillis = oldestNew == 0 ? 0 : Math.max(0, clocks.physical().millis() - oldestNew);
        if (oldestNew != 0) {
            delays.record(replica.lagMillis, TimeUnit.MILLISECONDS);
        }
        if (log.lastSeq() >= answer.lastSeq() && replica.role == Role.FOLLOWER && !replica.caughtUp) {
            replica.caughtUp = true;
            LOG.info("caught up with {} at seq {}", answer.node(), log.lastSeq());
        }
        if (replica.role == Role.RECOVERING && answer.lastSeq() < replica.recoveryTarget) {
            // the source cut its own log (it found it damaged): what it had may be on another
            // server only, so choose the source again rather than lead without it
            LOG.warn("recovery source {} now ends at seq {}, before {}: electing again", answer.node(),
                    answer.lastSeq(), replica.recoveryTarget);
            upstream.close();
            replica.role = Role.FOLLOWER;
            deposed.run();
            return;
        }
        if (replica.role == Role.RECOVERING && log.lastSeq() >= replica.recoveryTarget) {
            afterFlush.accept(() -> {
                // unless the flush failed or a damaged line was found meanwhile (then it stepped down)
                if (replica.role == Role.RECOVERING && replica.canLead()) {
                    coordinator.startLeading();
                }
            });
        } else if (lines.isEmpty() && upstream.isOpen()) {
            upstream.sendFetch();
        }
    }

    /**
     * A follower whose coordinator keeps saying it is not coordinator (it stepped down: its disk
     * fails, or its log is being repaired) asks for an election, so that another server leads.
     */
    private void noticeNotLeading(String refused) {
        if (replica.role != Role.FOLLOWER || !"not coordinator".equals(refused)) {
            return;
        }
        long now = System.currentTimeMillis();
        if (notLeadingSince == 0) {
            notLeadingSince = now;
        } else if (now - notLeadingSince > NOT_LEADING_PATIENCE_MS) {
            notLeadingSince = 0;
            notLeading.run();
        }
    }

    private void truncateTo(long seq) throws IOException {
        LOG.warn("the coordinator's log differs after seq {}: cutting this server's log back", seq);
        log.truncateAfter(seq);
        state.rebuild(log::forEach);
    }
}
