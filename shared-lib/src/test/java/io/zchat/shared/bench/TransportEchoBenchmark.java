package io.zchat.shared.bench;

import io.zchat.shared.zmq.Relay;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The latency floor of the transport on this machine: one request at a time, REQ to a REP echo
 * over TCP loopback, either directly or through a ROUTER/DEALER relay like the broker's (each side
 * with its own context, so its own I/O thread, as separate processes would have). A pause before
 * each round trip lets the threads fall asleep as they do between a chat's requests; a chat
 * request crosses several such hops.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TransportEchoBenchmark {
    private static final byte[] PING = "ping".getBytes(StandardCharsets.UTF_8);

    @Param({"direct", "relay"})
    public String path;

    /** Pause before each round trip, not measured. */
    @Param({"200", "20000"})
    public long gapMicros;

    private volatile boolean running;
    private ZContext clientContext;
    private ZMQ.Socket client;
    private Thread echo;
    private Thread relay;

    @Setup(Level.Trial)
    public void start() throws InterruptedException {
        running = true;
        CountDownLatch bound = new CountDownLatch(1);
        String[] echoAt = new String[1];
        String[] relayAt = new String[2];
        if (path.equals("relay")) {
            CountDownLatch relayBound = new CountDownLatch(1);
            relay = new Thread(() -> relay(relayAt, relayBound), "bench-relay");
            relay.start();
            relayBound.await();
        }
        echo = new Thread(() -> echo(relayAt[1], echoAt, bound), "bench-echo");
        echo.start();
        bound.await();
        clientContext = new ZContext();
        client = clientContext.createSocket(SocketType.REQ);
        client.setLinger(0);
        client.connect(path.equals("relay") ? relayAt[0] : echoAt[0]);
        for (int i = 0; i < 100; i++) {
            roundTrip();
        }
    }

    @Setup(Level.Invocation)
    public void pause() {
        LockSupport.parkNanos(gapMicros * 1000);
    }

    @Benchmark
    public byte[] roundTrip() {
        client.send(PING);
        return client.recv();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        running = false;
        clientContext.close();
        echo.join(2000);
        if (relay != null) {
            relay.join(2000);
        }
    }

    /** A REP echo: bound for the direct path, connected to the relay's back end otherwise. */
    private void echo(String relayBackend, String[] boundAt, CountDownLatch bound) {
        try (ZContext context = new ZContext()) {
            ZMQ.Socket rep = context.createSocket(SocketType.REP);
            rep.setLinger(0);
            rep.setReceiveTimeOut(100);
            if (relayBackend == null) {
                rep.bind("tcp://127.0.0.1:*");
                boundAt[0] = rep.getLastEndpoint();
            } else {
                rep.connect(relayBackend);
            }
            bound.countDown();
            while (running) {
                byte[] request = rep.recv();
                if (request != null) {
                    rep.send(request);
                }
            }
        }
    }

    private void relay(String[] boundAt, CountDownLatch bound) {
        try (ZContext context = new ZContext()) {
            ZMQ.Socket frontend = context.createSocket(SocketType.ROUTER);
            ZMQ.Socket backend = context.createSocket(SocketType.DEALER);
            frontend.setLinger(0);
            backend.setLinger(0);
            frontend.bind("tcp://127.0.0.1:*");
            backend.bind("tcp://127.0.0.1:*");
            boundAt[0] = frontend.getLastEndpoint();
            boundAt[1] = backend.getLastEndpoint();
            bound.countDown();
            ZMQ.Poller poller = context.createPoller(2);
            poller.register(frontend, ZMQ.Poller.POLLIN);
            poller.register(backend, ZMQ.Poller.POLLIN);
            while (running) {
                if (poller.poll(100) > 0) {
                    if (poller.pollin(0)) {
                        Relay.forward(frontend, backend, 1024, null);
                    }
                    if (poller.pollin(1)) {
                        Relay.forward(backend, frontend, 1024, null);
                    }
                }
            }
            poller.close();
        }
    }
}
