package io.zchat.shared.zmq;

import org.zeromq.ZMQ;

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
     * (no peer, or its high-water mark reached) is dropped and counted rather than blocking.
     *
     * @param body receives the last frame of each forwarded message (its body), or null
     */
    public static Moved forward(ZMQ.Socket from, ZMQ.Socket to, int budget, Consumer<byte[]> body) {
        int forwarded = 0;
        int dropped = 0;
        while (forwarded + dropped < budget) {
            byte[] frame = from.recv(ZMQ.DONTWAIT);
            if (frame == null) {
                break;
            }
            boolean more = from.hasReceiveMore();
            if (!to.send(frame, (more ? ZMQ.SNDMORE : 0) | ZMQ.DONTWAIT)) {
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
}
