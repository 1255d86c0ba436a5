package io.zchat.server.net;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zchat.server.ServerProperties;
import io.zchat.server.cluster.ClusterView;
import io.zchat.server.log.Op;
import io.zchat.server.log.ReplicationLog;
import io.zchat.server.log.TermFile;
import io.zchat.server.net.ServerLoop.Role;
import io.zchat.server.replication.FetchBudget;
import io.zchat.server.state.ChatState;
import io.zchat.server.store.FsyncPolicy;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.clock.LamportClock;
import io.zchat.shared.clock.PhysicalClock;
import io.zchat.shared.config.NodeProperties;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.WireCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A coordinator orders only in the term it won: its term file can move on while it recovers (its
 * cluster loop proposes or accepts a later term on another thread), and then it must not lead.
 * Sockets are real but connect to nothing; nothing here waits on the network.
 */
class CoordinatorTermTest {
    /** Nothing listens here: the recovery fetch just waits in the DEALER's queue. */
    private static final String SOURCE = "tcp://127.0.0.1:1";

    @TempDir
    Path dir;

    private final ZContext context = new ZContext();
    private final AtomicInteger deposed = new AtomicInteger();
    private final List<Runnable> afterFlush = new ArrayList<>();
    private ReplicationLog log;
    private TermFile termFile;
    private ReplicaState replica;
    private Coordinator coordinator;

    @BeforeEach
    void wire() throws IOException {
        ServerProperties properties = new ServerProperties(dir,
                new ServerProperties.Storage(FsyncPolicy.NEVER, 1024, 1024, Duration.ofMillis(100)),
                new ServerProperties.Replication(2, Duration.ofSeconds(1), 4096, DataSize.ofMegabytes(1),
                        Duration.ofSeconds(2), 4096),
                new ServerProperties.Shutdown(Duration.ofSeconds(5)));
        ChatState state = new ChatState((posts, each) -> { }, seq -> log.idAt(seq), 1 << 20);
        log = ReplicationLog.open(dir, FsyncPolicy.NEVER, 4096, state::apply);
        termFile = new TermFile(dir);
        Clocks clocks = new Clocks(new LamportClock(), PhysicalClock.system());
        WireCodec codec = new WireCodec();
        ClusterView view = new ClusterView(new NodeProperties("server-1", false));
        replica = new ReplicaState(0, 0, null);
        Outbox outbox = new Outbox(socket(SocketType.DEALER), socket(SocketType.ROUTER), codec, clocks,
                new MessageLog(false), new RequestTimers(new SimpleMeterRegistry()),
                new SimpleMeterRegistry().counter("dropped"));
        Upstream upstream = new Upstream(() -> socket(SocketType.DEALER), ZMQ.Socket::close, outbox, properties,
                view, termFile, log, replica);
        coordinator = new Coordinator(properties, log, state, termFile, clocks, codec, view, replica, outbox,
                upstream, new PendingWrites(outbox, log), FetchBudget.of(4096, 1 << 20, 1 << 20),
                afterFlush::add, deposed::incrementAndGet);
    }

    @AfterEach
    void close() throws IOException {
        log.close();
        context.close();
    }

    private ZMQ.Socket socket(SocketType type) {
        ZMQ.Socket socket = context.createSocket(type);
        socket.setLinger(0);
        return socket;
    }

    @Test
    void leadsTheTermItWonWithATermStartEntry() throws IOException {
        termFile.raise(5);

        coordinator.lead(5, null, 0);

        assertThat(replica.role).isEqualTo(Role.LEADER);
        assertThat(deposed).hasValue(0);
        assertThat(log.lastTerm()).isEqualTo(5);
        log.flush();
        assertThat(log.entry(log.lastSeq()).op()).isEqualTo(Op.TERM);
    }

    @Test
    void aTermTakenDuringRecoveryIsNotLed() throws IOException {
        termFile.raise(5);
        coordinator.lead(5, SOURCE, 10);
        assertThat(replica.role).isEqualTo(Role.RECOVERING);

        // the cluster loop accepts another candidate's term while this one still catches up
        assertThat(termFile.raise(6)).isTrue();
        coordinator.startLeading();

        assertThat(replica.role).isEqualTo(Role.FOLLOWER);
        assertThat(deposed).hasValue(1);
        assertThat(log.lastSeq()).as("no entry of a term this server never won").isZero();
    }

    @Test
    void aRecoveredCoordinatorLeadsWhenItsTermStillHolds() throws IOException {
        termFile.raise(5);
        coordinator.lead(5, SOURCE, 10);

        coordinator.startLeading();

        assertThat(replica.role).isEqualTo(Role.LEADER);
        assertThat(log.lastTerm()).isEqualTo(5);
    }
}
