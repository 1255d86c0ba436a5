package io.zchat.loadgen;

import org.zeromq.ZMQ;
import zmq.Msg;
import zmq.SocketBase;
import zmq.msg.MsgAllocator;

import java.util.ArrayList;
import java.util.List;

/**
 * When each reply reached this process: ZeroMQ's I/O thread allocates every incoming frame through
 * this allocator as it decodes it, and the frame keeps that moment. A worker that sleeps until its
 * next request is due reads replies late (up to one request interval); latency taken when it reads
 * them would count that sleep as the system's.
 */
final class ArrivalStamps implements MsgAllocator {
    /** A whole message and when its last frame was decoded (System.nanoTime). */
    record Received(List<byte[]> frames, long arrivedNanos) {
    }

    /** A frame that knows when the I/O thread decoded it. */
    private static final class StampedMsg extends Msg {
        private final long arrivedNanos = System.nanoTime();

        StampedMsg(int size) {
            super(size);
        }
    }

    @Override
    public Msg allocate(int size) {
        return new StampedMsg(size);
    }

    /** Has frames arriving on {@code socket} stamped; set before it connects. */
    static void stamp(ZMQ.Socket socket) {
        socket.setMsgAllocator(new ArrivalStamps());
    }

    /**
     * The next whole message waiting on {@code socket}, or null when none is (never blocks for a
     * first frame). A frame not stamped counts as arrived now: its socket was not set up by
     * {@link #stamp}, or runs CURVE, whose mechanism builds each decrypted frame itself.
     */
    static Received receive(ZMQ.Socket socket) {
        SocketBase base = socket.base();
        Msg frame = base.recv(ZMQ.DONTWAIT);
        if (frame == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>(4);
        frames.add(frame.data());
        while (frame.hasMore()) {
            Msg next = base.recv(0);
            if (next == null) {
                // the context is closing: the rest of the message never comes
                return null;
            }
            frame = next;
            frames.add(frame.data());
        }
        return new Received(frames, frame instanceof StampedMsg stamped ? stamped.arrivedNanos : System.nanoTime());
    }
}
