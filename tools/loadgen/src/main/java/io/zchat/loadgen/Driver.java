package io.zchat.loadgen;

import io.zchat.shared.wire.Status;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import io.zchat.shared.zmq.InputPoller;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * One worker thread and the DEALER connections it owns. Each request goes out as
 * {@code [correlation][empty][body]}: the broker and a contract-abiding server (REP or a DEALER
 * that keeps the envelope) send back everything before the empty frame, so replies are matched
 * to requests however many are in flight and in whatever order they return.
 * <p>
 * Open loop (a rate): requests are due on a fixed schedule and latency counts from when each was
 * due, not from when it could be sent (no coordinated omission). Saturation (no rate): each
 * connection keeps {@code inFlight} requests outstanding.
 */
final class Driver implements Runnable {
    private static final long EXPIRY_SCAN_NANOS = 100_000_000L;
    /** In an open-loop run, what a connection may have outstanding before due requests are skipped. */
    private static final int OPEN_LOOP_BACKLOG = 20_000;

    private record Pending(Kind kind, long dueNanos) {
    }

    private final LoadProperties properties;
    private final WireCodec codec;
    private final Workload workload;
    private final RunClock clock;
    private final ZContext context;
    private final int connections;
    private final double intervalNanos;
    private final Recorder recorder = new Recorder();
    private final List<Map<Long, Pending>> outstanding = new ArrayList<>();
    private long unsent;
    private long correlation;
    /** The ids of the requests answered so far (ids count up from 1): tells a duplicate reply from a late one. */
    private final BitSet answeredIds = new BitSet();
    /** Open loop: when the next request is due, and the connection whose turn it is. */
    private long nextDue;
    private int turn;

    /**
     * @param context shared by every worker: one I/O thread for all connections wakes less often than one each
     * @param worker  this worker's number: in an open loop the workers' schedules interleave, so that
     *                requests fall due one at a time at the whole rate, not one per worker at once
     */
    Driver(LoadProperties properties, WireCodec codec, Workload workload, RunClock clock, ZContext context,
           int connections, int worker) {
        this.context = context;
        this.properties = properties;
        this.codec = codec;
        this.workload = workload;
        this.clock = clock;
        this.connections = connections;
        this.intervalNanos = properties.openLoop()
                ? 1e9 * properties.workers() / properties.rate() : 0;
        this.nextDue = firstDue(clock.start(), intervalNanos, worker, properties.workers());
    }

    /** Worker {@code worker}'s first due time: the workers' schedules interleave evenly. */
    static long firstDue(long start, double intervalNanos, int worker, int workers) {
        return start + (long) (intervalNanos * worker / workers);
    }

    Recorder recorder() {
        return recorder;
    }

    /** Requests an open-loop run could not send because a connection's backlog was full. */
    long unsent() {
        return unsent;
    }

    @Override
    public void run() {
        List<ZMQ.Socket> sockets = new ArrayList<>();
        InputPoller poller = new InputPoller(context);
        try {
            for (int i = 0; i < connections; i++) {
                ZMQ.Socket socket = properties.zmq().configure(context.createSocket(SocketType.DEALER));
                socket.setLinger(0);
                ArrivalStamps.stamp(socket);
                socket.connect(properties.broker());
                sockets.add(socket);
                outstanding.add(new HashMap<>());
                poller.register(socket);
            }
            drive(sockets, poller);
            drain(sockets, poller);
        } finally {
            poller.close();
            sockets.forEach(context::destroySocket);
        }
    }

    private void drive(List<ZMQ.Socket> sockets, InputPoller poller) {
        long nextScan = clock.start() + EXPIRY_SCAN_NANOS;
        long now;
        while ((now = System.nanoTime()) < clock.sendUntil()) {
            if (properties.openLoop()) {
                sendDueUpTo(now, sockets);
            } else {
                for (int c = 0; c < connections; c++) {
                    while (outstanding.get(c).size() < properties.inFlight()) {
                        send(sockets.get(c), c, now);
                    }
                }
            }
            awaitRepliesUntil(properties.openLoop() ? nextDue : System.nanoTime() + 1_000_000, sockets, poller);
            if (now >= nextScan) {
                expire(now);
                nextScan = now + EXPIRY_SCAN_NANOS;
            }
        }
        if (properties.openLoop()) {
            // requests that fell due while this worker waited past the end: late, but they count
            sendDueUpTo(clock.sendUntil() - 1, sockets);
        }
    }

    /** Sends, in turn over the connections, every open-loop request due by {@code nanos}. */
    private void sendDueUpTo(long nanos, List<ZMQ.Socket> sockets) {
        while (nextDue <= nanos) {
            int c = turn++ % connections;
            if (outstanding.get(c).size() < OPEN_LOOP_BACKLOG) {
                send(sockets.get(c), c, nextDue);
            } else if (clock.measured(nextDue)) {
                unsent++;
            }
            nextDue += (long) intervalNanos;
        }
    }

    /**
     * Takes replies until {@code untilNanos}. Saturation, and an open loop with a millisecond or
     * more to its next due request, poll (ZeroMQ polls in whole milliseconds) and so wake on a
     * reply. Closer to a due time, the worker sleeps until it and then takes every reply waiting:
     * it wakes once per request instead of polling in a loop, which took half a core from the
     * system under test on this 2-core machine. A reply is then read up to one request interval
     * of this worker late (400 us at 5,000/s over 2 workers); its latency still ends when it
     * arrived (see {@link ArrivalStamps}).
     */
    private void awaitRepliesUntil(long untilNanos, List<ZMQ.Socket> sockets, InputPoller poller) {
        long waitNanos = untilNanos - System.nanoTime();
        if (!properties.openLoop() || waitNanos >= 1_000_000) {
            if (poller.poll(1) > 0) {
                for (int c = 0; c < connections; c++) {
                    if (poller.readable(c)) {
                        receive(sockets.get(c), c);
                    }
                }
            }
            return;
        }
        if (waitNanos > 0) {
            LockSupport.parkNanos(waitNanos);
        }
        receiveAll(sockets);
    }

    /** After the last send: wait (bounded by the timeout) for what is still outstanding. */
    private void drain(List<ZMQ.Socket> sockets, InputPoller poller) {
        long until = System.nanoTime() + properties.timeout().toNanos();
        while (System.nanoTime() < until && outstanding.stream().anyMatch(m -> !m.isEmpty())) {
            if (poller.poll(10) > 0) {
                receiveAll(sockets);
            }
        }
        expire(Long.MAX_VALUE);
    }

    private void send(ZMQ.Socket socket, int connection, long dueNanos) {
        Kind kind = workload.nextKind();
        long id = ++correlation;
        byte[] body = workload.encode(kind, dueNanos);
        socket.sendMore(ByteBuffer.allocate(Long.BYTES).putLong(id).array());
        socket.sendMore(new byte[0]);
        socket.send(body);
        outstanding.get(connection).put(id, new Pending(kind, dueNanos));
    }

    /** Takes every reply waiting on every connection, without blocking. */
    private void receiveAll(List<ZMQ.Socket> sockets) {
        for (int c = 0; c < connections; c++) {
            receive(sockets.get(c), c);
        }
    }

    /** Takes every reply waiting on one connection, without blocking; latency counts to when each arrived. */
    private void receive(ZMQ.Socket socket, int connection) {
        ArrivalStamps.Received reply;
        while ((reply = ArrivalStamps.receive(socket)) != null) {
            answered(connection, reply.frames(), reply.arrivedNanos());
        }
    }

    private void answered(int connection, List<byte[]> frames, long now) {
        if (frames.size() != 3 || frames.get(0).length != Long.BYTES) {
            return;
        }
        long id = ByteBuffer.wrap(frames.get(0)).getLong();
        Pending pending = outstanding.get(connection).remove(id);
        if (pending == null) {
            // a reply after the timeout is late; one to a request answered before is a duplicate
            if (id > 0 && id <= correlation && answeredIds.get((int) id)) {
                recorder.duplicate();
            }
            return;
        }
        answeredIds.set((int) id);
        if (!clock.measured(pending.dueNanos())) {
            return;
        }
        if (accepted(frames.get(2))) {
            recorder.ok(pending.kind(), now - pending.dueNanos());
        } else {
            recorder.error(pending.kind());
        }
    }

    /** Only the status of a reply matters here, so only it is bound. */
    private record StatusOnly(String status) {
    }

    private boolean accepted(byte[] body) {
        try {
            StatusOnly reply = codec.body(codec.read(body), StatusOnly.class);
            return !Status.ERRO.matches(reply.status() == null ? "" : reply.status());
        } catch (WireFormatException e) {
            return false;
        }
    }

    private void expire(long now) {
        long limit = properties.timeout().toNanos();
        for (Map<Long, Pending> pending : outstanding) {
            for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (now == Long.MAX_VALUE || now - p.dueNanos() > limit) {
                    it.remove();
                    if (clock.measured(p.dueNanos())) {
                        recorder.timeout(p.kind());
                    }
                }
            }
        }
    }
}
