package io.zchat.server.net;

import io.zchat.server.cluster.ClusterView;
import io.zchat.server.log.ReplicationLog;
import io.zchat.server.log.TermFile;
import io.zchat.server.net.ServerLoop.Role;
import io.zchat.server.replication.ReplicaMessages;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.Frame;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Requests on the peer endpoint, on the server loop's thread: {@code fetch} and {@code forward} go
 * to the coordinator's side, {@code replica_status} is answered here (a proposed term is adopted),
 * and the contract's {@code clock}, {@code election} and {@code sync} by {@link PeerServices}.
 */
final class PeerRequests {
    private static final Logger LOG = LoggerFactory.getLogger(PeerRequests.class);

    private final WireCodec codec;
    private final Clocks clocks;
    private final MessageLog messageLog;
    private final PeerServices peerServices;
    private final TermFile termFile;
    private final ReplicationLog log;
    private final ClusterView view;
    private final ReplicaState replica;
    private final Outbox outbox;
    private final Coordinator coordinator;
    private final LocalStorage storage;
    private final Runnable deposed;

    /** @param deposed tells the cluster loop this server stopped being coordinator without hearing a new one */
    PeerRequests(WireCodec codec, Clocks clocks, MessageLog messageLog, PeerServices peerServices, TermFile termFile,
                 ReplicationLog log, ClusterView view, ReplicaState replica, Outbox outbox, Coordinator coordinator,
                 LocalStorage storage, Runnable deposed) {
        this.codec = codec;
        this.clocks = clocks;
        this.messageLog = messageLog;
        this.peerServices = peerServices;
        this.termFile = termFile;
        this.log = log;
        this.view = view;
        this.replica = replica;
        this.outbox = outbox;
        this.coordinator = coordinator;
        this.storage = storage;
        this.deposed = deposed;
    }

    void take(List<byte[]> route, byte[] body) {
        Frame request;
        try {
            request = codec.read(body);
        } catch (WireFormatException e) {
            messageLog.receivedInvalid(Outbox.PEER, body.length, e.getMessage());
            outbox.answerPeer(route, Service.ERROR.wireName(), Replies.Status.error(e.getMessage()));
            return;
        }
        clocks.received(request.stamp());
        String service = request.service();
        try {
            switch (service) {
                case ReplicaMessages.FETCH -> coordinator.takeFetch(route, named(codec.body(request,
                        ReplicaMessages.Fetch.class), ReplicaMessages.Fetch::node, ReplicaMessages.Fetch::term));
                case ReplicaMessages.FORWARD -> coordinator.takeForward(route, named(codec.body(request,
                        ReplicaMessages.Forward.class), ReplicaMessages.Forward::node, ReplicaMessages.Forward::term));
                case ReplicaMessages.STATUS -> outbox.answerPeer(route, service, status(named(codec.body(request,
                        ReplicaMessages.StatusRequest.class), ReplicaMessages.StatusRequest::node,
                        ReplicaMessages.StatusRequest::term)));
                default -> {
                    Envelope envelope = codec.decode(body);
                    messageLog.received(Outbox.PEER, envelope);
                    outbox.answerPeer(route, service, peerServices.answer(envelope, standing()));
                }
            }
        } catch (WireFormatException e) {
            outbox.answerPeer(route, service, Replies.Status.error(e.getMessage()));
        }
    }

    /**
     * A replication message must say which server sent it (a missing name is an error, not a
     * nameless peer); its term may be 0 (a new server that has not heard a coordinator yet), not less.
     */
    private static <T> T named(T message, Function<T, String> node, ToLongFunction<T> term) throws WireFormatException {
        String name = node.apply(message);
        if (name == null || name.isBlank() || term.applyAsLong(message) < 0) {
            throw new WireFormatException("a replication message needs 'node' and a 'term' of at least 0");
        }
        return message;
    }

    /** Adopts a proposed term (so an older coordinator's entries are refused from now on) and tells how far the log goes. */
    private ReplicaMessages.Status status(ReplicaMessages.StatusRequest request) {
        boolean accepted = false;
        try {
            accepted = termFile.raise(request.term());
        } catch (IOException e) {
            storage.failLog(e);
        }
        if (accepted && replica.role != Role.FOLLOWER) {
            LOG.warn("{} takes term {}: stepping down", request.node(), request.term());
            coordinator.stepDown();
            deposed.run();
        }
        return new ReplicaMessages.Status(view.self(), termFile.term(), accepted, log.durableSeq(),
                log.termAt(log.durableSeq()), replica.caughtUp || replica.role == Role.LEADER, view.coordinator());
    }

    private PeerServices.Standing standing() {
        if (view.leaving()) {
            return PeerServices.Standing.STOPPING;
        }
        return replica.canLead() && (replica.caughtUp || replica.role == Role.LEADER)
                ? PeerServices.Standing.OK : PeerServices.Standing.CATCHING_UP;
    }
}
