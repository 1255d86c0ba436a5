package io.zchat.shared.zmq;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.zchat.shared.zmq.curve.Access;
import io.zchat.shared.zmq.curve.AllowList;
import io.zchat.shared.zmq.curve.ZapHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * A managed ZeroMQ loop: one named thread owns a context's sockets. The thread opens them,
 * polls with a timeout, dispatches readable sockets, runs queued commands and timers, and closes
 * its sockets (linger 0) when it stops; {@link #stop()} flips a flag and wakes the poll, the loop
 * drains what it has in flight (see {@link #onDrainStart()}), {@code stop} joins, then closes the
 * context last. JeroMQ is not interrupt-safe, so the thread is never interrupted: commands and
 * stops wake it through a pipe its selector watches ({@link LoopWakeup}).
 */
public abstract class ZmqLoop implements SmartLifecycle {
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    protected final Logger log = LoggerFactory.getLogger(getClass());
    protected final ZmqSettings zmq;
    private final String threadName;
    private final AtomicReference<LoopState> state = new AtomicReference<>(LoopState.NEW);
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final List<ZMQ.Socket> sockets = new ArrayList<>();
    private final Map<ZMQ.Socket, Runnable> handlers = new LinkedHashMap<>();
    private final List<Runnable> polled = new ArrayList<>();
    private boolean pollerStale = true;
    private int monitors;
    private volatile boolean keepRunning;
    private volatile Throwable failure;
    private ZContext context;
    private volatile ZapHandler zap;
    private InputPoller poller;
    private volatile LoopWakeup wakeup;
    private Thread thread;

    protected ZmqLoop(String threadName, ZmqSettings zmq) {
        this.threadName = threadName;
        this.zmq = zmq;
    }

    /** Opens this loop's sockets on the loop thread, registering readable ones with {@link #whenReadable}. */
    protected abstract void open() throws Exception;

    /** Runs on the loop thread after every poll: due timers, expiries. */
    protected void onTick(long nowMillis) {
    }

    /**
     * Runs on the loop thread once the sockets one poll found readable have all been served (not
     * after a poll that found none): where what was taken from several sockets is finished as one.
     */
    protected void onPollServed() {
    }

    /**
     * Runs on the loop thread when a stop is asked: take no new work. The loop goes on (timers,
     * replies) until {@link #drained()} or {@link #drainTimeout()}, so work in flight is answered.
     */
    protected void onDrainStart() {
    }

    /** Whether the work taken before the stop is done; asked on the loop thread while draining. */
    protected boolean drained() {
        return true;
    }

    /** The longest a stop waits for {@link #drained()}; keep it well under the join timeout of 10 s. */
    protected Duration drainTimeout() {
        return Duration.ZERO;
    }

    /** Runs on the loop thread once the loop ends, before its sockets close: last flushes. */
    protected void onStop() {
    }

    @Override
    public final synchronized void start() {
        if (!moveTo(LoopState.STARTING)) {
            return;
        }
        context = new ZContext();
        context.setLinger(0);
        wakeup = new LoopWakeup();
        keepRunning = true;
        CompletableFuture<Void> opened = new CompletableFuture<>();
        thread = new Thread(() -> run(opened), threadName);
        thread.start();
        try {
            opened.get(OPEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            stop();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException(threadName + " could not open its sockets: " + cause.getMessage(), cause);
        }
    }

    @Override
    public final synchronized void stop() {
        if (thread == null) {
            return;
        }
        moveTo(LoopState.STOPPING);
        keepRunning = false;
        wakeup.signal();
        try {
            thread.join(JOIN_TIMEOUT.plus(drainTimeout()).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("{} did not stop within {}; closing its context", threadName, JOIN_TIMEOUT);
        }
        context.close();
        wakeup.close();
        thread = null;
        moveTo(LoopState.STOPPED);
    }

    @Override
    public boolean isRunning() {
        LoopState s = state.get();
        return s == LoopState.STARTING || s == LoopState.RUNNING;
    }

    public LoopState state() {
        return state.get();
    }

    /** Why the loop failed, if it did. */
    public Throwable failure() {
        return failure;
    }

    public String name() {
        return threadName;
    }

    /**
     * Runs {@code command} on the loop thread as soon as it can, from any thread: a poll waiting
     * for input is woken for it, so a command from another loop (a new coordinator, a closed
     * link, a subscription) does not wait out a poll timeout.
     */
    public void execute(Runnable command) {
        commands.add(command);
        LoopWakeup signal = wakeup;
        if (signal != null) {
            signal.signal();
        }
    }

    /** Creates a socket owned by this loop (linger 0, size limit); call from {@link #open()} only. */
    protected final ZMQ.Socket socket(SocketType type) {
        ZMQ.Socket socket = zmq.configure(context.createSocket(type));
        sockets.add(socket);
        return socket;
    }

    /**
     * Binds a socket of this loop; with CURVE on it becomes a CURVE server whose peers the ZAP
     * handler admits by {@code access}. The connections ZeroMQ closes on it go to {@code closed}:
     * a peer that went away, or one that sent a frame over {@code chat.zmq.max-message-size}
     * (ZeroMQ drops the frame and the connection, and does not say which of the two it was). Call
     * from {@link #open()} only.
     */
    protected final void listen(ZMQ.Socket socket, String endpoint, Access access, Counter closed) {
        if (zmq.curve().enabled()) {
            zmq.curve().applyServer(socket, access);
            startZapHandler();
        }
        socket.bind(endpoint);
        whenConnectionsClose(socket, closed::increment);
    }

    /** CURVE handshakes this loop's ZAP handler refused (0 without CURVE). */
    public long authDenied() {
        ZapHandler handler = zap;
        return handler == null ? 0 : handler.denied();
    }

    /** Before the first CURVE server binds: without a handler, ZeroMQ would admit every key. */
    private void startZapHandler() {
        if (zap != null) {
            return;
        }
        ZMQ.Socket rep = socket(SocketType.REP);
        rep.bind(ZapHandler.ENDPOINT);
        ZapHandler handler = new ZapHandler(rep, AllowList.of(zmq.curve()));
        whenReadable(rep, handler::answerWaiting);
        zap = handler;
    }

    /** Closes and forgets a socket of this loop, e.g. a REQ socket that timed out. */
    protected final void closeSocket(ZMQ.Socket socket) {
        int index = sockets.indexOf(socket);
        if (index >= 0) {
            sockets.remove(index);
        }
        context.destroySocket(socket);
    }

    /**
     * Runs {@code closed} on the loop thread with how many of {@code socket}'s connections closed
     * since it last ran. Returns the socket that carries those events: close it with {@code socket}.
     */
    protected final ZMQ.Socket whenConnectionsClose(ZMQ.Socket socket, IntConsumer closed) {
        String address = "inproc://closed-connections-" + threadName + "-" + monitors++;
        socket.monitor(address, ZMQ.EVENT_DISCONNECTED);
        ZMQ.Socket events = socket(SocketType.PAIR);
        events.connect(address);
        whenReadable(events, () -> {
            int count = 0;
            while (count < 1024 && ZMQ.Event.recv(events, ZMQ.DONTWAIT) != null) {
                count++;
            }
            if (count > 0) {
                closed.accept(count);
            }
        });
        return events;
    }

    /** The counter {@link #listen} feeds, tagged with the socket's role in this node. */
    public static Counter closedConnections(MeterRegistry registry, String socket) {
        return Counter.builder("chat.zmq.connections.closed")
                .description("connections closed: the peer left, or sent a frame over chat.zmq.max-message-size")
                .tag("socket", socket).register(registry);
    }

    protected final void whenReadable(ZMQ.Socket socket, Runnable handler) {
        handlers.put(socket, handler);
        pollerStale = true;
    }

    /** Stops polling a socket (before closing it, e.g. when a peer connection is replaced). */
    protected final void unregister(ZMQ.Socket socket) {
        if (handlers.remove(socket) != null) {
            pollerStale = true;
        }
    }

    protected final ZContext context() {
        return context;
    }

    private void run(CompletableFuture<Void> opened) {
        try {
            open();
            moveTo(LoopState.RUNNING);
            opened.complete(null);
        } catch (Throwable t) {
            fail(t);
            opened.completeExceptionally(t);
            closeAll();
            return;
        }
        try {
            loop();
            onStop();
        } catch (ZMQException e) {
            if (e.getErrorCode() != ZMQ.Error.ETERM.getCode()) {
                fail(e);
            }
        } catch (Throwable t) {
            fail(t);
        } finally {
            closeAll();
        }
    }

    private void loop() {
        long timeout = zmq.pollTimeout().toMillis();
        long drainUntil = -1;
        while (true) {
            if (!keepRunning) {
                if (drainUntil < 0) {
                    drainUntil = System.nanoTime() + drainTimeout().toNanos();
                    onDrainStart();
                    timeout = Math.min(timeout, 10);
                }
                if (drained()) {
                    break;
                }
                if (System.nanoTime() - drainUntil >= 0) {
                    log.warn("{}: work still in flight after {}; stopping anyway", threadName, drainTimeout());
                    break;
                }
            }
            if (pollerStale) {
                rebuildPoller();
            }
            int ready = poller.poll(timeout);
            if (ready > 0) {
                for (int i = 0; i < polled.size() && !pollerStale; i++) {
                    if (poller.readable(i)) {
                        guarded(polled.get(i));
                    }
                }
                guarded(this::onPollServed);
            }
            Runnable command;
            while ((command = commands.poll()) != null) {
                guarded(command);
            }
            onTick(System.currentTimeMillis());
        }
    }

    /** Registrations change rarely (a new coordinator), so the poller is rebuilt then, not per poll. */
    private void rebuildPoller() {
        if (poller != null) {
            poller.close();
        }
        poller = new InputPoller(context);
        poller.wakeUpOn(wakeup);
        polled.clear();
        handlers.forEach((socket, handler) -> {
            poller.register(socket);
            polled.add(handler);
        });
        pollerStale = false;
    }

    /** A bug in handling one message must not end the loop; anything worse than an exception does. */
    private void guarded(Runnable action) {
        try {
            action.run();
        } catch (ZMQException e) {
            throw e;
        } catch (RuntimeException e) {
            log.error("{}: unexpected error, loop continues", threadName, e);
        }
    }

    private void fail(Throwable t) {
        failure = t;
        log.error("{} failed", threadName, t);
        state.set(LoopState.FAILED);
    }

    private void closeAll() {
        if (poller != null) {
            poller.close();
        }
        for (ZMQ.Socket socket : new ArrayList<>(sockets)) {
            context.destroySocket(socket);
        }
        sockets.clear();
    }

    private boolean moveTo(LoopState next) {
        while (true) {
            LoopState current = state.get();
            if (!current.canMoveTo(next)) {
                return false;
            }
            if (state.compareAndSet(current, next)) {
                return true;
            }
        }
    }
}
