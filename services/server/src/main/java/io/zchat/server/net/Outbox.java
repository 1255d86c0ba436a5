package io.zchat.server.net;

import io.micrometer.core.instrument.Counter;
import io.zchat.server.replication.ReplicaMessages;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Stamp;
import io.zchat.shared.wire.WireCodec;
import org.zeromq.ZMQ;

import java.util.ArrayList;
import java.util.List;

/** Sends on the server loop's sockets, from its thread only: answers to clients and peers, messages to the coordinator. */
final class Outbox {
    static final String CLIENT = "client";
    static final String PEER = "peer";

    private final ZMQ.Socket clients;
    private final ZMQ.Socket peers;
    private final WireCodec codec;
    private final Clocks clocks;
    private final MessageLog messageLog;
    private final RequestTimers timers;
    private final Counter sendsDropped;

    Outbox(ZMQ.Socket clients, ZMQ.Socket peers, WireCodec codec, Clocks clocks, MessageLog messageLog,
           RequestTimers timers, Counter sendsDropped) {
        this.clients = clients;
        this.peers = peers;
        this.codec = codec;
        this.clocks = clocks;
        this.messageLog = messageLog;
        this.timers = timers;
        this.sendsDropped = sendsDropped;
    }

    void answerClient(List<byte[]> route, String service, Object reply, long startedNanos) {
        reply(clients, route, service, reply, CLIENT);
        timers.record(service, reply, System.nanoTime() - startedNanos);
    }

    void answerPeer(List<byte[]> route, String service, Object body) {
        reply(peers, route, service, body, PEER);
    }

    private void reply(ZMQ.Socket socket, List<byte[]> route, String service, Object body, String peer) {
        Stamp stamp = clocks.stamp();
        List<byte[]> frames = new ArrayList<>(route.size() + 1);
        frames.addAll(route);
        frames.add(codec.encode(service, body, stamp));
        if (sendNow(socket, frames) && (socket != peers || !isReplication(service))) {
            messageLog.sent(peer, service, body, stamp);
        }
    }

    void send(ZMQ.Socket socket, String service, Object body) {
        sendNow(socket, List.of(new byte[0], codec.encode(service, body, clocks.stamp())));
    }

    /**
     * Sends without ever blocking the loop: a peer whose queue is full (its high-water mark) loses
     * this message, which is counted; the other side's retry (a client's, a fetch's, a forward's)
     * makes up for it. ZeroMQ takes or refuses a multipart message whole, at its first frame.
     */
    private boolean sendNow(ZMQ.Socket socket, List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            boolean more = i < frames.size() - 1;
            if (!socket.send(frames.get(i), (more ? ZMQ.SNDMORE : 0) | ZMQ.DONTWAIT)) {
                if (i == 0) {
                    sendsDropped.increment();
                    return false;
                }
                throw new IllegalStateException("ZeroMQ refused part " + (i + 1) + " of a message it had begun");
            }
        }
        return true;
    }

    private static boolean isReplication(String service) {
        return ReplicaMessages.FETCH.equals(service) || ReplicaMessages.STATUS.equals(service);
    }
}
