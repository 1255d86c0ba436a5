package io.zchat.server.net;

import io.zchat.server.log.Op;
import io.zchat.server.log.ReplicationLog;
import io.zchat.server.log.TermFile;
import io.zchat.server.net.ServerLoop.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A coordinator orders only in the term it won: its term file can move on while it recovers (its
 * cluster loop proposes or accepts a later term on another thread), and then it must not lead.
 * Sockets are real but nothing connects to them; nothing here waits on the network.
 */
class CoordinatorTermTest {
    /** Nothing listens here: the recovery fetch just waits in the DEALER's queue. */
    private static final String SOURCE = "tcp://127.0.0.1:1";

    @TempDir
    Path dir;

    private CoordinatorHarness harness;
    private ReplicationLog log;
    private TermFile termFile;
    private ReplicaState replica;
    private Coordinator coordinator;
    private AtomicInteger deposed;

    @BeforeEach
    void wire() throws IOException {
        harness = new CoordinatorHarness(dir, 2);
        log = harness.log;
        termFile = harness.termFile;
        replica = harness.replica;
        coordinator = harness.coordinator;
        deposed = harness.deposed;
    }

    @AfterEach
    void close() throws IOException {
        harness.close();
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
