package io.zchat.server.cluster;

import io.zchat.shared.clock.Clocks;
import io.zchat.shared.config.NodeProperties;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.Stamp;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import io.zchat.shared.zmq.ZmqLoop;
import io.zchat.shared.zmq.ZmqSettings;
import org.springframework.stereotype.Component;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * The server's peer endpoint (REP): {@code clock}, {@code election} and {@code sync}. It runs on
 * its own thread so that it answers even while the cluster loop waits on a peer of its own.
 */
@Component
public class PeerLoop extends ZmqLoop {
    private static final String PEER = "peer";

    private final ClusterProperties properties;
    private final ClusterLoop cluster;
    private final WireCodec codec;
    private final Clocks clocks;
    private final MessageLog messageLog;
    private final boolean verboseSync;
    private ZMQ.Socket rep;

    public PeerLoop(ClusterProperties properties, ClusterLoop cluster, ZmqSettings zmq, WireCodec codec,
                    Clocks clocks, MessageLog messageLog, NodeProperties node) {
        super("peer-loop", zmq);
        this.properties = properties;
        this.cluster = cluster;
        this.codec = codec;
        this.clocks = clocks;
        this.messageLog = messageLog;
        this.verboseSync = node.logMessages();
    }

    @Override
    protected void open() {
        rep = socket(SocketType.REP);
        rep.bind("tcp://*:" + properties.peer().port());
        whenReadable(rep, this::serve);
        log.info("peer endpoint on tcp://*:{} (advertised as {})", properties.peer().port(),
                properties.peer().address());
    }

    private void serve() {
        byte[] frame = rep.recv(ZMQ.DONTWAIT);
        if (frame == null) {
            return;
        }
        while (rep.hasReceiveMore()) {
            rep.recv();
        }
        String service = Service.ERROR.wireName();
        Object reply;
        try {
            Envelope request = codec.decode(frame);
            clocks.received(request.stamp());
            messageLog.received(PEER, request);
            service = request.service();
            reply = handle(request);
        } catch (WireFormatException e) {
            messageLog.receivedInvalid(PEER, frame.length, e.getMessage());
            reply = Replies.Status.error(e.getMessage());
        }
        Stamp stamp = clocks.stamp();
        rep.send(codec.encode(service, reply, stamp));
        messageLog.sent(PEER, service, reply, stamp);
    }

    private Object handle(Envelope request) throws WireFormatException {
        Service service = request.knownService().orElse(null);
        if (service == Service.CLOCK) {
            return new Replies.Clock(clocks.physical().millis());
        }
        if (service == Service.ELECTION) {
            cluster.execute(cluster::electionRequested);
            return new Replies.Election("OK");
        }
        if (service == Service.SYNC) {
            Requests.Sync sync = codec.body(request, Requests.Sync.class);
            if (sync.adjust() == null) {
                return Replies.Status.error("field 'adjust' (milliseconds) is missing");
            }
            clocks.physical().adjust(sync.adjust());
            if (verboseSync || Math.abs(sync.adjust()) >= 5) {
                log.info("clock synced with coordinator {}: offset {} ms, lamport {}", sync.coordinator(),
                        sync.adjust(), clocks.lamport().current());
            }
            return Replies.Status.success();
        }
        return Replies.Status.error("unknown service '" + request.service() + "'");
    }
}
