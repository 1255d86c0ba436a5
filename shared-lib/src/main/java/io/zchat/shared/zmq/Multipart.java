package io.zchat.shared.zmq;

import org.zeromq.ZMQ;

import java.util.ArrayList;
import java.util.List;

/** Whole multipart messages from a socket, as plain frames (no ZMsg/ZFrame objects per frame). */
public final class Multipart {
    private Multipart() {
    }

    /** The next whole message waiting on {@code socket}, or null when none is; never blocks for a first frame. */
    public static List<byte[]> receive(ZMQ.Socket socket) {
        byte[] first = socket.recv(ZMQ.DONTWAIT);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>(4);
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv());
        }
        return frames;
    }
}
