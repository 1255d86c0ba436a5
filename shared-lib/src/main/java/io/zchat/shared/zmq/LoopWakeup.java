package io.zchat.shared.zmq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wakes a loop's poll from another thread, which may not touch the loop's sockets: a byte on a
 * pipe that the loop's selector watches beside them. At most one byte is pending however often
 * it is signalled.
 */
final class LoopWakeup implements AutoCloseable {
    private final Pipe pipe;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ByteBuffer one = ByteBuffer.allocate(1);
    private final ByteBuffer drained = ByteBuffer.allocate(64);

    LoopWakeup() {
        try {
            pipe = Pipe.open();
            pipe.source().configureBlocking(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the loop's wake-up pipe", e);
        }
    }

    /** From any thread: the loop's poll returns soon (at once if it is waiting). */
    void signal() {
        if (pending.compareAndSet(false, true)) {
            synchronized (one) {
                try {
                    one.clear();
                    pipe.sink().write(one);
                } catch (IOException e) {
                    // closed with its loop: nothing is left to wake
                    pending.set(false);
                }
            }
        }
    }

    /**
     * On the loop thread, once its selector found the pipe readable: clears the signal; returns
     * whether there was one. The pipe is emptied before the flag is cleared, so a signal that comes
     * meanwhile leaves its byte (or finds the flag still set, and its command is run after this
     * poll anyway).
     */
    boolean drain() {
        boolean read = false;
        try {
            while (true) {
                drained.clear();
                if (pipe.source().read(drained) <= 0) {
                    break;
                }
                read = true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the loop's wake-up pipe", e);
        }
        return pending.getAndSet(false) || read;
    }

    SelectionKey register(Selector selector) {
        try {
            return pipe.source().register(selector, SelectionKey.OP_READ);
        } catch (ClosedChannelException e) {
            throw new IllegalStateException("the loop's wake-up pipe is closed", e);
        }
    }

    @Override
    public void close() {
        try {
            pipe.sink().close();
            pipe.source().close();
        } catch (IOException e) {
            // closing at the loop's end: nothing to recover
        }
    }
}
