package io.zchat.shared.zmq;

import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits until one of some ZeroMQ sockets has input, without the busy loop of {@link ZMQ.Poller}.
 * <p>
 * A JeroMQ socket signals new input by writing a byte to a pipe and only then counting it sent.
 * The woken reader often runs before the writer has counted it (on a busy machine it preempts
 * the writer), finds "nothing to read", and {@code ZMQ.Poller} polls the still-readable pipe
 * again at once, until the writer runs: measured at 300 µs of CPU per message here. This poller
 * gives the writer the CPU instead ({@link Thread#yield()}, then short sleeps) when a wake-up
 * finds no input. Used from one thread only, like the sockets it polls.
 */
public final class InputPoller implements AutoCloseable {
    private static final long BACKOFF_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

    private final ZContext context;
    private final Selector selector;
    private final List<ZMQ.Socket> sockets = new ArrayList<>();
    private boolean[] readable = new boolean[0];
    private LoopWakeup wakeup;
    private SelectionKey wakeupKey;

    public InputPoller(ZContext context) {
        this.context = context;
        this.selector = context.createSelector();
    }

    /** Adds a socket; returns its index for {@link #readable(int)}. */
    public int register(ZMQ.Socket socket) {
        try {
            socket.getFD().register(selector, SelectionKey.OP_READ);
        } catch (ClosedChannelException e) {
            throw new ZMQException("socket closed before it was polled", ZMQ.Error.ETERM.getCode());
        }
        sockets.add(socket);
        readable = new boolean[sockets.size()];
        return sockets.size() - 1;
    }

    /** Also returns from a wait when {@code wakeup} is signalled (with no socket readable, if none is). */
    void wakeUpOn(LoopWakeup wakeup) {
        this.wakeupKey = wakeup.register(selector);
        this.wakeup = wakeup;
    }

    /**
     * Waits up to {@code timeoutMillis} (0: do not wait) until a socket has input, or the wake-up
     * is signalled; returns how many sockets have input, each then reported by {@link #readable(int)}.
     */
    public int poll(long timeoutMillis) {
        int ready = check();
        if (ready > 0 || timeoutMillis <= 0) {
            return ready;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        int idleWakeups = 0;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            boolean woken = select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))) && wakeup.drain();
            ready = check();
            if (ready > 0 || woken) {
                return ready;
            }
            // woken by a signal not yet counted by its sender: let the sender run
            if (++idleWakeups < 3) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(BACKOFF_NANOS);
            }
        }
    }

    /** Whether socket {@code index} had input at the last {@link #poll(long)}. */
    public boolean readable(int index) {
        return readable[index];
    }

    /** Waits for the selector; returns whether the wake-up was among what it found ready. */
    private boolean select(long timeoutMillis) {
        try {
            selector.select(timeoutMillis);
            boolean woken = wakeupKey != null && selector.selectedKeys().contains(wakeupKey);
            selector.selectedKeys().clear();
            return woken;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asks each socket for input; this also runs the commands JeroMQ queued for it. */
    private int check() {
        int ready = 0;
        for (int i = 0; i < readable.length; i++) {
            int events = sockets.get(i).getEvents();
            if (events < 0) {
                throw new ZMQException("context terminated while polling", ZMQ.Error.ETERM.getCode());
            }
            readable[i] = (events & ZMQ.Poller.POLLIN) != 0;
            if (readable[i]) {
                ready++;
            }
        }
        return ready;
    }

    @Override
    public void close() {
        context.closeSelector(selector);
    }
}
