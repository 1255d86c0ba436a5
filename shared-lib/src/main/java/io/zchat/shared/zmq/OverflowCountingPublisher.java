package io.zchat.shared.zmq;

import org.zeromq.ZMQ;

import java.util.List;

/**
 * Sends publications on a PUB or XPUB socket without ever blocking, and counts slow subscribers.
 * ZeroMQ's own PUB drops silently for a subscriber at its high-water mark; here the socket is
 * set not to drop, so a full subscriber shows as EAGAIN, which is counted as an overflow before
 * the message goes out once more in dropping mode: the full subscriber loses it, the others
 * still get it, and nothing waits. From an overflow until its queue has drained to half, ZeroMQ
 * leaves that subscriber out without telling: one overflow stands for a run of lost publications.
 * Used by the thread that owns the socket.
 */
public final class OverflowCountingPublisher {
    private final ZMQ.Socket socket;
    private final Runnable onOverflow;

    public OverflowCountingPublisher(ZMQ.Socket socket, Runnable onOverflow) {
        this.socket = socket;
        this.onOverflow = onOverflow;
        socket.setXpubNoDrop(true);
    }

    /** Sends a topic frame and a body as one message; false when a full subscriber lost it. */
    public boolean send(byte[] topic, byte[] body) {
        return send(List.of(topic, body));
    }

    /** Sends the frames as one message; false when a full subscriber lost it. */
    public boolean send(List<byte[]> frames) {
        boolean dropping = false;
        int last = frames.size() - 1;
        for (int i = 0; i <= last; i++) {
            int flags = ZMQ.DONTWAIT | (i < last ? ZMQ.SNDMORE : 0);
            if (socket.send(frames.get(i), flags)) {
                continue;
            }
            if (dropping) {
                // a dropping PUB never refuses a frame; anything else is a closed socket
                throw new IllegalStateException("publisher socket refused a frame: errno " + socket.errno());
            }
            dropping = true;
            socket.setXpubNoDrop(false);
            i--;
        }
        if (dropping) {
            socket.setXpubNoDrop(true);
            onOverflow.run();
        }
        return !dropping;
    }
}
