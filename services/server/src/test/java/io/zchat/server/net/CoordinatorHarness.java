package io.zchat.server.net;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zchat.server.ServerProperties;
import io.zchat.server.cluster.ClusterView;
import io.zchat.server.log.ReplicationLog;
import io.zchat.server.log.TermFile;
import io.zchat.server.replication.FetchBudget;
import io.zchat.server.state.ChatState;
import io.zchat.server.store.FsyncPolicy;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.clock.LamportClock;
import io.zchat.shared.clock.PhysicalClock;
import io.zchat.shared.config.NodeProperties;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.WireCodec;
import org.springframework.util.unit.DataSize;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A coordinator ("server-1") with its log, term file and pending writes in a directory, as the
 * server loop wires it, for tests that drive it by hand on the test's thread. Its peer socket is
 * a ROUTER bound to {@code inproc://peers}, so a test can connect a follower's DEALER to it; its
 * client socket, a DEALER, is connected to {@link #broker}, a ROUTER standing in for the broker.
 */
final class CoordinatorHarness implements AutoCloseable {
    static final String PEERS = "inproc://peers";
    static final String BROKER = "inproc://broker";

    final ZContext context = new ZContext();
    final AtomicInteger deposed = new AtomicInteger();
    final List<Runnable> afterFlush = new ArrayList<>();
    final WireCodec codec = new WireCodec();
    final Clocks clocks = new Clocks(new LamportClock(), PhysicalClock.system());
    final ReplicaState replica = new ReplicaState(0, 0, null);
    final ReplicationLog log;
    final TermFile termFile;
    final PendingWrites pending;
    final Coordinator coordinator;
    /** The coordinator's peer socket: read it only to see a connecting follower's first message. */
    final ZMQ.Socket peers;
    /** What the coordinator sends its clients arrives here, after the coordinator's connection's identity. */
    final ZMQ.Socket broker;

    CoordinatorHarness(Path dir, int minAcks) throws IOException {
        ServerProperties properties = new ServerProperties(dir,
                new ServerProperties.Storage(FsyncPolicy.NEVER, 1024, 1024, Duration.ofMillis(100)),
                new ServerProperties.Replication(minAcks, Duration.ofSeconds(1), 4096, DataSize.ofMegabytes(1),
                        Duration.ofSeconds(2), 4096),
                new ServerProperties.Shutdown(Duration.ofSeconds(5)));
        ChatState state = new ChatState((posts, each) -> { }, this::idAt, 1 << 20);
        log = ReplicationLog.open(dir, FsyncPolicy.NEVER, 4096, state::apply);
        termFile = new TermFile(dir);
        ClusterView view = new ClusterView(new NodeProperties("server-1", false));
        peers = socket(SocketType.ROUTER);
        peers.bind(PEERS);
        broker = socket(SocketType.ROUTER);
        broker.bind(BROKER);
        ZMQ.Socket clients = socket(SocketType.DEALER);
        clients.connect(BROKER);
        Outbox outbox = new Outbox(clients, peers, codec, clocks, new MessageLog(false),
                new RequestTimers(new SimpleMeterRegistry()), new SimpleMeterRegistry().counter("dropped"));
        Upstream upstream = new Upstream(() -> socket(SocketType.DEALER), ZMQ.Socket::close, outbox, properties,
                view, termFile, log, replica);
        pending = new PendingWrites(outbox);
        coordinator = new Coordinator(properties, log, state, termFile, clocks, codec, view, replica, outbox,
                upstream, pending, FetchBudget.of(4096, 1 << 20, 1 << 20), afterFlush::add,
                deposed::incrementAndGet);
    }

    private String idAt(long seq) {
        return log.idAt(seq);
    }

    /** A follower's DEALER connected to the coordinator's peer socket, and the route its messages come by. */
    record PeerFollower(ZMQ.Socket socket, List<byte[]> route) {
    }

    /** Connects a follower named {@code name}; its first message is read here, to learn its route. */
    PeerFollower connectFollower(String name) {
        ZMQ.Socket follower = socket(SocketType.DEALER);
        follower.setIdentity(name.getBytes(StandardCharsets.UTF_8));
        follower.connect(PEERS);
        follower.send("hello");
        List<byte[]> route = List.of(peers.recv());
        peers.recv();
        return new PeerFollower(follower, route);
    }

    ZMQ.Socket socket(SocketType type) {
        ZMQ.Socket socket = context.createSocket(type);
        socket.setLinger(0);
        return socket;
    }

    /** What the server loop does at the end of a group, as coordinator: flush, count its copy, answer. */
    void endOfGroup() throws IOException {
        log.flush();
        coordinator.countOwnCopy();
        List<Runnable> due = new ArrayList<>(afterFlush);
        afterFlush.clear();
        due.forEach(Runnable::run);
        coordinator.sendForwardAnswers();
    }

    @Override
    public void close() throws IOException {
        log.close();
        context.close();
    }
}
