package io.zchat.server.net;

import io.zchat.server.replication.ReplicaMessages;
import io.zchat.shared.wire.Frame;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.WireFormatException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The coordinator answers the client of a write a follower forwarded, through its own connection
 * to the broker and with the client's envelope, once the write is committed; it tells the follower
 * when it is done with the write, or refuses it (the follower sends it again). A write that may
 * have been answered before is answered only where it makes a new entry, so that no client gets
 * two answers to one request. A real follower DEALER and a ROUTER standing in for the broker read
 * what is sent, over inproc; nothing waits on the network.
 */
class ForwardedWriteAnswerTest {
    private static final long TERM = 5;

    @TempDir
    Path dir;

    private CoordinatorHarness harness;
    private ZMQ.Socket follower;
    private List<byte[]> followerRoute;

    private void start(int minAcks) throws IOException {
        harness = new CoordinatorHarness(dir, minAcks);
        harness.termFile.raise(TERM);
        harness.coordinator.lead(TERM, null, 0);
        harness.endOfGroup();
        CoordinatorHarness.PeerFollower connected = harness.connectFollower("server-2");
        follower = connected.socket();
        followerRoute = connected.route();
    }

    @AfterEach
    void close() throws IOException {
        harness.close();
    }

    private static List<byte[]> client(String identity) {
        return List.of(identity.getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    private void forward(String fid, Object request, Service service, String client, boolean maybeAnswered)
            throws WireFormatException {
        byte[] data = harness.codec.read(harness.codec.encode(service, request, harness.clocks.stamp())).data();
        harness.coordinator.takeForward(followerRoute, new ReplicaMessages.Forward("server-2", TERM,
                List.of(new ReplicaMessages.Write(fid, service.wireName(), data, client(client), maybeAnswered))));
    }

    private void forwardLogin(String fid, String user, String client, boolean maybeAnswered)
            throws WireFormatException {
        forward(fid, new Requests.Login(user, fid), Service.LOGIN, client, maybeAnswered);
    }

    /** The follower reports its log durable up to the coordinator's last entry. */
    private void followerHoldsAll() {
        long last = harness.log.lastSeq();
        harness.coordinator.takeFetch(followerRoute,
                new ReplicaMessages.Fetch("server-2", TERM, last, TERM, 1, last, false, true));
    }

    /** The coordinator's copy, then the follower's: two copies, enough for {@code min-acks} 2. */
    private void bothCopiesDurable() throws IOException {
        harness.endOfGroup();
        followerHoldsAll();
        harness.endOfGroup();
    }

    /** The follower's next results, or null if none are waiting. */
    private ReplicaMessages.Forwarded results() throws WireFormatException {
        byte[] body = follower.recv(ZMQ.DONTWAIT);
        return body == null ? null
                : harness.codec.body(harness.codec.read(body), ReplicaMessages.Forwarded.class);
    }

    private record ClientAnswer(String client, Frame reply) {
    }

    /** The next answer the coordinator sent a client through the broker, or null if none. */
    private ClientAnswer clientAnswer() throws WireFormatException {
        ZMsg message = ZMsg.recvMsg(harness.broker, ZMQ.DONTWAIT);
        if (message == null) {
            return null;
        }
        message.pop(); // the coordinator's connection to the broker
        String client = message.popString();
        assertThat(message.pop().size()).as("the client's envelope ends with its empty delimiter").isZero();
        return new ClientAnswer(client, harness.codec.read(message.pop().getData()));
    }

    private boolean succeeded(ClientAnswer answer) throws WireFormatException {
        return harness.codec.body(answer.reply(), Replies.Status.class).ok();
    }

    @Test
    void aForwardedWriteIsAnsweredToItsClientByTheCoordinatorOnceCommitted() throws Exception {
        start(2);
        forwardLogin("w1", "ana", "client-7", false);

        harness.endOfGroup();
        assertThat(clientAnswer()).as("the coordinator's copy alone is not two").isNull();
        assertThat(results()).isNull();

        followerHoldsAll();
        harness.endOfGroup();

        ClientAnswer answer = clientAnswer();
        assertThat(answer).isNotNull();
        assertThat(answer.client()).isEqualTo("client-7");
        assertThat(answer.reply().service()).isEqualTo("login");
        assertThat(succeeded(answer)).isTrue();
        assertThat(results().results()).singleElement().satisfies(result -> {
            assertThat(result.fid()).isEqualTo("w1");
            assertThat(result.refused()).as("the coordinator is done with it").isNull();
        });
        assertThat(clientAnswer()).as("answered once").isNull();
    }

    @Test
    void withThreeCopiesNeededOneFollowersCopyIsNotEnough() throws Exception {
        start(3);
        forwardLogin("w1", "ana", "client-7", false);

        bothCopiesDurable();

        assertThat(clientAnswer()).isNull();
        assertThat(results()).isNull();
        assertThat(harness.coordinator.uncommittedSeqs()).isEqualTo(1);
    }

    @Test
    void aWriteThatBreaksARuleIsAnsweredAtOnceWithTheError() throws Exception {
        start(2);
        forwardLogin("w1", "general", "client-7", false);

        harness.coordinator.sendForwardAnswers();

        ClientAnswer answer = clientAnswer();
        assertThat(answer).isNotNull();
        assertThat(succeeded(answer)).isFalse();
        assertThat(results().results()).singleElement().satisfies(result -> assertThat(result.refused()).isNull());
        assertThat(harness.log.lastSeq()).as("only the term's start").isEqualTo(1);
    }

    @Test
    void aWriteThatMayHaveBeenAnsweredIsNotAnsweredAgainButAClientsRetryIs() throws Exception {
        start(2);
        forwardLogin("w1", "ana", "client-7", false);
        bothCopiesDurable();
        assertThat(clientAnswer()).isNotNull();
        results();

        // the follower heard nothing in time and sends it again
        forwardLogin("w1", "ana", "client-7", true);
        harness.endOfGroup();
        assertThat(clientAnswer()).as("its client may have its answer already").isNull();
        assertThat(results().results()).singleElement().satisfies(result -> assertThat(result.refused()).isNull());

        // the client itself sends it again (same id): a new request, answered as before
        forwardLogin("w1", "ana", "client-7b", false);
        harness.endOfGroup();
        ClientAnswer retry = clientAnswer();
        assertThat(retry).isNotNull();
        assertThat(retry.client()).isEqualTo("client-7b");
        assertThat(succeeded(retry)).isTrue();
        assertThat(harness.log.lastSeq()).as("applied once").isEqualTo(2);
    }

    @Test
    void aWriteThatMayHaveBeenAnsweredButMakesANewEntryIsAnswered() throws Exception {
        start(2);
        // sent before to a coordinator that failed before ordering it: nobody answered it
        forwardLogin("w1", "ana", "client-7", true);
        bothCopiesDurable();

        ClientAnswer answer = clientAnswer();
        assertThat(answer).isNotNull();
        assertThat(succeeded(answer)).isTrue();
    }

    @Test
    void aCoordinatorThatStepsDownRefusesTheForwardedWritesNotCommittedAndAnswersNoClient() throws Exception {
        start(2);
        forwardLogin("w1", "ana", "client-7", false);
        harness.endOfGroup();

        harness.coordinator.stepDown();

        ReplicaMessages.Forwarded forwarded = results();
        assertThat(forwarded).isNotNull();
        assertThat(forwarded.results()).singleElement()
                .satisfies(result -> assertThat(result.refused()).isEqualTo("coordinator changed"));
        assertThat(clientAnswer()).isNull();
        assertThat(harness.coordinator.uncommittedSeqs()).isZero();
    }
}
