package io.zchat.server.net;

import io.micrometer.core.instrument.Counter;
import io.zchat.server.ServerProperties;
import io.zchat.server.cluster.ClusterView;
import io.zchat.server.handler.Outcome;
import io.zchat.server.handler.RequestHandler;
import io.zchat.server.handler.WriteErrors;
import io.zchat.server.net.ServerLoop.Role;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Client requests from the broker, on the server loop's thread: reads are answered at once; a
 * write is refused while the disk fails or too many wait, and otherwise ordered here (coordinator)
 * or kept for the coordinator.
 */
final class ClientRequests {
    private static final Logger LOG = LoggerFactory.getLogger(ClientRequests.class);

    private final RequestHandler handler;
    private final ServerProperties properties;
    private final ClusterView view;
    private final ReplicaState replica;
    private final Outbox outbox;
    private final Upstream upstream;
    private final PendingWrites pending;
    private final Coordinator coordinator;
    private final Counter busyRefusals;
    private final Counter storageRefusals;
    /** Writes waiting, counted at the start of each group of client requests and kept up in it. */
    private int waitingWrites;
    private long forwardCounter;

    ClientRequests(RequestHandler handler, ServerProperties properties, ClusterView view, ReplicaState replica,
                   Outbox outbox, Upstream upstream, PendingWrites pending, Coordinator coordinator,
                   Counter busyRefusals, Counter storageRefusals) {
        this.handler = handler;
        this.properties = properties;
        this.view = view;
        this.replica = replica;
        this.outbox = outbox;
        this.upstream = upstream;
        this.pending = pending;
        this.coordinator = coordinator;
        this.busyRefusals = busyRefusals;
        this.storageRefusals = storageRefusals;
    }

    /** A group of client requests begins, with {@code waiting} of this server's clients' writes not answered yet. */
    void startGroup(int waiting) {
        waitingWrites = waiting;
    }

    void take(List<byte[]> frames) {
        long started = System.nanoTime();
        Route route = Route.split(frames);
        byte[] body = route.singleBody();
        Outcome outcome = body == null
                ? Outcome.reply(Service.ERROR.wireName(), Replies.Status.error(
                "expected one body frame after the envelope, got " + route.body().size()))
                : handle(body);
        if (!outcome.needsOrdering()) {
            outbox.answerClient(route.envelope(), outcome.service(), outcome.reply(), started);
            return;
        }
        String problem = replica.storageProblem();
        if (problem != null) {
            storageRefusals.increment();
            outbox.answerClient(route.envelope(), outcome.service(), WriteErrors.reply(outcome.write(),
                    "server " + view.self() + " cannot store writes (" + problem + "); nothing was stored, "
                            + "try again"), started);
            return;
        }
        if (waitingWrites >= properties.storage().maxWaitingWrites()) {
            busyRefusals.increment();
            outbox.answerClient(route.envelope(), outcome.service(), WriteErrors.reply(outcome.write(),
                    "server busy: " + waitingWrites + " writes are waiting to be replicated; try again shortly"),
                    started);
            return;
        }
        waitingWrites++;
        String id = outcome.body().id();
        if (id == null || id.isEmpty()) {
            id = view.self() + ":" + (++forwardCounter) + ":" + started;
        }
        PendingWrite write = new PendingWrite(route.envelope(), outcome.service(), outcome.write(), outcome.body(),
                outcome.request().data(), id, started);
        if (replica.role == Role.LEADER) {
            coordinator.orderLocal(write);
        } else {
            pending.forward(write);
            if (upstream.isOpen() && replica.role == Role.FOLLOWER) {
                pending.forwardWithGroup(write);
            }
        }
    }

    /** A request that meets a bug here still gets an answer, and the rest of its group is served. */
    private Outcome handle(byte[] body) {
        try {
            return handler.handle(body);
        } catch (RuntimeException e) {
            LOG.error("request of {} bytes could not be handled", body.length, e);
            return Outcome.reply(Service.ERROR.wireName(),
                    Replies.Status.error("internal error: " + e.getClass().getSimpleName()));
        }
    }
}
