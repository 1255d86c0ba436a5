package io.zchat.server.net;

import io.micrometer.core.instrument.Counter;
import io.zchat.server.ServerProperties;
import io.zchat.server.log.LogEntry;
import io.zchat.server.log.ReplicationLog;
import io.zchat.server.net.ServerLoop.Role;
import io.zchat.server.state.ChatState;
import io.zchat.server.store.ViewWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * This server's disk as the server loop keeps it, on its thread: the user-facing files written up
 * to the commit point once per interval, and what is done when the log cannot be written (writes
 * are refused, a coordinator steps down) or a record is found damaged (cut, rebuilt, fetched again).
 */
final class LocalStorage {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStorage.class);
    /** Entries written to the views per interval while they are rebuilt or far behind. */
    private static final int VIEW_CHUNK = 16_384;

    private final ServerProperties properties;
    private final ReplicationLog log;
    private final ChatState state;
    private final ViewWriter views;
    private final ReplicaState replica;
    private final Coordinator coordinator;
    private final Upstream upstream;
    private final Runnable deposed;
    private final Counter storageFailures;
    private final Counter corruptions;
    private long viewsWrittenAt;

    /** @param deposed tells the cluster loop this server stopped being coordinator without hearing a new one */
    LocalStorage(ServerProperties properties, ReplicationLog log, ChatState state, ViewWriter views,
                 ReplicaState replica, Coordinator coordinator, Upstream upstream, Runnable deposed,
                 Counter storageFailures, Counter corruptions) {
        this.properties = properties;
        this.log = log;
        this.state = state;
        this.views = views;
        this.replica = replica;
        this.coordinator = coordinator;
        this.upstream = upstream;
        this.deposed = deposed;
        this.storageFailures = storageFailures;
        this.corruptions = corruptions;
    }

    boolean viewsDue(long now) {
        return now - viewsWrittenAt >= properties.storage().viewInterval().toMillis();
    }

    /**
     * Brings the user-facing files up to the commit point, once per {@code view-interval}: they are
     * views of the log (rebuilt from it after a crash), so they stay off the path of each request.
     */
    void writeViews(long now) {
        viewsWrittenAt = now;
        try {
            if (views.damage() != null) {
                corruptions.increment();
                replica.lastCorruption = views.damage();
                LOG.error("{}: writing the files again from the log", views.damage());
                views.rebuild();
            }
            long upTo = Math.min(Math.min(replica.commit, log.durableSeq()), views.appliedSeq() + VIEW_CHUNK);
            if (upTo <= views.appliedSeq() && !views.hasPending()) {
                return;
            }
            long after = views.appliedSeq();
            List<LogEntry> entries = log.entries(after, upTo);
            List<byte[]> lines = log.linesInMemory(after, entries.size());
            for (int i = 0; i < entries.size(); i++) {
                views.apply(entries.get(i), lines.size() == entries.size() ? lines.get(i) : null);
            }
            views.commit();
            log.forgetEntriesUpTo(views.appliedSeq());
            log.forgetLinesUpTo(Math.min(views.appliedSeq(), coordinator.heldByEveryFollower()));
            if (replica.viewProblem != null) {
                LOG.info("the files can be written again");
                replica.viewProblem = null;
            }
        } catch (IOException | RuntimeException e) {
            storageFailures.increment();
            if (replica.viewProblem == null) {
                LOG.error("cannot write the files; writes are refused until they can be written", e);
            }
            replica.viewProblem = "cannot write the files: " + e;
        }
    }

    /**
     * A line of this server's log failed its check on a read: cut the log there, rebuild the state
     * from what is left, and fetch the rest again. A coordinator steps down first (its copy of
     * committed entries is on at least one other server) and is elected again only with a log that
     * reaches what it knew to be committed, recovered from the most advanced peer.
     */
    void repairLog() {
        long damaged = log.damagedSeq();
        corruptions.increment();
        replica.lastCorruption = log.lastDamage();
        replica.committedFloor = Math.max(replica.committedFloor, replica.commit);
        if (replica.role != Role.FOLLOWER) {
            LOG.error("this coordinator's log is damaged at seq {}: stepping down to repair it", damaged);
            coordinator.stepDown();
            upstream.close();
            deposed.run();
        }
        try {
            log.cutDamaged();
            state.rebuild(log::forEach);
        } catch (IOException e) {
            failLog(e);
            return;
        } catch (UncheckedIOException e) {
            failLog(e.getCause());
            return;
        }
        replica.caughtUp = false;
        if (upstream.isOpen()) {
            upstream.sendFetch();
        }
    }

    /**
     * The log (or the term file) could not be written: nothing of the failed group is counted as
     * held here, so it is not acknowledged; client writes are refused until a later write works.
     * A coordinator steps down, as it can no longer order durably.
     */
    void failLog(IOException e) {
        storageFailures.increment();
        if (replica.logProblem == null) {
            LOG.error("cannot write the log; refusing writes until it can be written", e);
        }
        replica.logProblem = "cannot write the log: " + e;
        if (replica.role != Role.FOLLOWER) {
            LOG.warn("stepping down: a coordinator that cannot write its log cannot order writes");
            coordinator.stepDown();
            upstream.close();
            deposed.run();
        }
    }

    void logWorks() {
        if (replica.logProblem != null) {
            LOG.info("the log can be written again");
            replica.logProblem = null;
        }
    }
}
