package io.zchat.server.net;

import io.zchat.server.replication.ReplicaMessages;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How far a server may let its log lines go from memory: a coordinator keeps what a follower may
 * still fetch, a follower serves nobody.
 */
class LinesKeptForFollowersTest {
    private static final long TERM = 3;

    @TempDir
    Path dir;

    private CoordinatorHarness harness;

    @AfterEach
    void close() throws IOException {
        harness.close();
    }

    @Test
    void aFollowerKeepsNoLineForOthersAndACoordinatorWhatEveryFollowerHolds() throws Exception {
        harness = new CoordinatorHarness(dir, 2);
        assertThat(harness.coordinator.heldByEveryFollower()).as("a follower").isEqualTo(Long.MAX_VALUE);

        harness.termFile.raise(TERM);
        harness.coordinator.lead(TERM, null, 0);
        harness.endOfGroup();
        List<byte[]> route = harness.connectFollower("server-2").route();
        harness.coordinator.takeFetch(route, new ReplicaMessages.Fetch("server-2", TERM, 0, 0, 0, 0, false, false));
        for (String user : List.of("ana", "bo", "cy")) {
            byte[] data = harness.codec.read(harness.codec.encode(Service.LOGIN, new Requests.Login(user, user),
                    harness.clocks.stamp())).data();
            harness.coordinator.takeForward(route, new ReplicaMessages.Forward("server-2", TERM, List.of(
                    new ReplicaMessages.Write(user, Service.LOGIN.wireName(), data, List.of(new byte[0]), false))));
        }
        harness.endOfGroup();
        long last = harness.log.lastSeq();
        assertThat(harness.coordinator.heldByEveryFollower()).as("server-2 holds nothing yet").isZero();

        harness.coordinator.takeFetch(route,
                new ReplicaMessages.Fetch("server-2", TERM, last - 1, TERM, 1, last - 1, false, true));
        assertThat(harness.coordinator.heldByEveryFollower()).isEqualTo(last - 1);
        harness.coordinator.takeFetch(route,
                new ReplicaMessages.Fetch("server-2", TERM, last, TERM, 1, last, false, true));
        assertThat(harness.coordinator.heldByEveryFollower()).isEqualTo(last);
    }
}
