package io.zchat.server.net;

import io.zchat.server.replication.ReplicaMessages;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.WireFormatException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a coordinator answers a write a follower forwarded: where two copies make it acknowledged
 * ({@code min-acks} 2), as soon as its own copy is durable, with the entry's term (the follower's
 * copy is the second); where three are needed, only at the commit. A real follower DEALER reads
 * the answers over inproc; nothing waits on the network.
 */
class ForwardedWriteAnswerTest {
    private static final long TERM = 5;

    @TempDir
    Path dir;

    private CoordinatorHarness harness;
    private ZMQ.Socket follower;
    private List<byte[]> route;

    private void start(int minAcks) throws IOException {
        harness = new CoordinatorHarness(dir, minAcks);
        harness.termFile.raise(TERM);
        harness.coordinator.lead(TERM, null, 0);
        harness.endOfGroup();
        follower = harness.socket(SocketType.DEALER);
        follower.setIdentity("server-2".getBytes(StandardCharsets.UTF_8));
        follower.connect(CoordinatorHarness.PEERS);
        follower.send("hello");
        route = List.of(harness.peers.recv());
        harness.peers.recv();
    }

    @AfterEach
    void close() throws IOException {
        harness.close();
    }

    private void forwardLogin(String fid, String user) throws WireFormatException {
        byte[] data = harness.codec.read(harness.codec.encode(Service.LOGIN, new Requests.Login(user, fid),
                harness.clocks.stamp())).data();
        harness.coordinator.takeForward(route, new ReplicaMessages.Forward("server-2", TERM,
                List.of(new ReplicaMessages.Write(fid, Service.LOGIN.wireName(), data))));
    }

    /** The follower's next answer, or null if none is waiting. */
    private ReplicaMessages.Forwarded answer() throws WireFormatException {
        byte[] body = follower.recv(ZMQ.DONTWAIT);
        return body == null ? null
                : harness.codec.body(harness.codec.read(body), ReplicaMessages.Forwarded.class);
    }

    @Test
    void withTwoCopiesEnoughAForwardedWriteIsAnsweredOnceDurableOnTheCoordinator() throws Exception {
        start(2);
        forwardLogin("w1", "ana");
        long seq = harness.log.lastSeq();

        harness.coordinator.sendForwardAnswers();
        assertThat(answer()).as("not answered before the coordinator's copy is durable").isNull();

        harness.endOfGroup();
        ReplicaMessages.Forwarded forwarded = answer();

        assertThat(forwarded).isNotNull();
        assertThat(forwarded.results()).singleElement().satisfies(result -> {
            assertThat(result.fid()).isEqualTo("w1");
            assertThat(result.seq()).isEqualTo(seq);
            assertThat(result.term()).as("the term the follower's copy must have").isEqualTo(TERM);
            assertThat(result.created()).isTrue();
        });
        assertThat(harness.replica.commit).as("no follower holds it yet").isLessThan(seq);
    }

    @Test
    void withThreeCopiesNeededAForwardedWriteWaitsForTheCommit() throws Exception {
        start(3);
        forwardLogin("w1", "ana");

        harness.endOfGroup();

        assertThat(answer()).as("the coordinator's copy and the follower's are not enough").isNull();
        assertThat(harness.coordinator.uncommittedSeqs()).isEqualTo(1);
    }

    @Test
    void aCoordinatorThatStepsDownRefusesTheWritesWaitingForItsCopy() throws Exception {
        start(2);
        forwardLogin("w1", "ana");

        harness.coordinator.stepDown();

        ReplicaMessages.Forwarded forwarded = answer();
        assertThat(forwarded).isNotNull();
        assertThat(forwarded.results()).singleElement()
                .satisfies(result -> assertThat(result.refused()).isEqualTo("coordinator changed"));
        assertThat(harness.coordinator.uncommittedSeqs()).isZero();
    }
}
