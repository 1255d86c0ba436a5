package io.zchat.shared.zmq;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import java.util.function.Consumer;

/** Moves whole multipart messages between two sockets of one loop, never blocking the loop. */
public final class Relay {
    private Relay() {
    }

    /** What one relay round did. */
    public record Moved(int forwarded, int dropped) {
    }

    /**
     * Forwards up to {@code budget} waiting messages. A message the destination cannot take now
     * (no peer, its high-water mark reached, or, on a ROUTER set to mandatory routing, no peer of
     * that identity or no route frame at all) is dropped and counted rather than blocking.
     *
     * @param body receives the last frame of each forwarded message (its body), or null
     */
    public static Moved forward(ZMQ.Socket from, ZMQ.Socket to, int budget, Consumer<byte[]> body) {
        // a ROUTER takes the first frame as the route: a lone frame has nowhere to go
        boolean routed = to.getSocketType() == SocketType.ROUTER;
        int forwarded = 0;
        int dropped = 0;
        while (forwarded + dropped < budget) {
            byte[] frame = from.recv(ZMQ.DONTWAIT);
            if (frame == null) {
                break;
            }
            boolean more = from.hasReceiveMore();
            if ((routed && !more) || !sendFirst(to, frame, more)) {
                while (from.hasReceiveMore()) {
                    from.recv();
                }
                dropped++;
                continue;
            }
            while (more) {
                frame = from.recv();
                more = from.hasReceiveMore();
                to.send(frame, more ? ZMQ.SNDMORE : 0);
            }
            forwarded++;
            if (body != null) {
                body.accept(frame);
            }
        }
        return new Moved(forwarded, dropped);
    }

    /** False when the destination cannot take the message now; JeroMQ throws for an unknown route. */
    private static boolean sendFirst(ZMQ.Socket to, byte[] frame, boolean more) {
        try {
            return to.send(frame, (more ? ZMQ.SNDMORE : 0) | ZMQ.DONTWAIT);
        } catch (ZMQException e) {
            if (e.getErrorCode() == ZMQ.Error.EHOSTUNREACH.getCode()) {
                return false;
            }
            throw e;
        }
    }
}
