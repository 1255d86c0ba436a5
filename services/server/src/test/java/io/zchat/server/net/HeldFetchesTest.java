package io.zchat.server.net;

import io.zchat.server.replication.ReplicaMessages;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HeldFetchesTest {
    private static final long NOTICE = 20;
    private static final long WAIT = 1_000;

    private final HeldFetches fetches = new HeldFetches(NOTICE);

    private static ReplicaMessages.Fetch fetch(String node) {
        return new ReplicaMessages.Fetch(node, 3, 100, 3, 1, 100, false, true);
    }

    private HeldFetches.Held hold(String node, long now) {
        fetches.hold(List.of(node.getBytes()), fetch(node), now, now + WAIT);
        return fetches.releaseAll().get(0);
    }

    @Test
    void onlyACaughtUpFollowerOrARecoveryReadWaitsForNews() {
        assertThat(HeldFetches.mayHold(fetch("s2"))).isTrue();
        assertThat(HeldFetches.mayHold(new ReplicaMessages.Fetch("s2", 3, 100, 3, 1, 100, false, false)))
                .as("a follower that has not yet seen the log's end is answered at once").isFalse();
        assertThat(HeldFetches.mayHold(new ReplicaMessages.Fetch("s2", 3, 100, 3, 1, 100, true, false))).isTrue();
    }

    @Test
    void aFetchIsNotAnsweredWhileNothingChangesUntilItsWaitIsOver() {
        fetches.told("s2", 100);
        HeldFetches.Held held = hold("s2", 0);

        assertThat(fetches.due(held, 500, 100)).isFalse();
        assertThat(fetches.due(held, WAIT - 1, 100)).isFalse();
        assertThat(fetches.due(held, WAIT, 100)).as("its wait is over").isTrue();
    }

    @Test
    void aMovedCommitPointIsToldOnlyAfterTheNoticeWait() {
        fetches.told("s2", 100);
        HeldFetches.Held held = hold("s2", 0);

        assertThat(fetches.due(held, NOTICE - 1, 101)).as("moved, but not waited long enough").isFalse();
        assertThat(fetches.due(held, NOTICE, 101)).isTrue();
    }

    @Test
    void whatEachFollowerWasToldIsKeptApart() {
        fetches.told("s2", 100);
        fetches.told("s3", 105);
        HeldFetches.Held s2 = hold("s2", 0);
        HeldFetches.Held s3 = hold("s3", 0);

        assertThat(fetches.due(s2, NOTICE, 105)).isTrue();
        assertThat(fetches.due(s3, NOTICE, 105)).as("already told 105").isFalse();
        assertThat(fetches.due(hold("s4", 0), NOTICE, 1)).as("never told anything").isTrue();
    }

    @Test
    void answeredFetchesAreNoLongerHeldAndTheRestStayInOrder() {
        fetches.hold(List.of(), fetch("s2"), 0, WAIT);
        fetches.hold(List.of(), fetch("s3"), 1, WAIT);
        fetches.hold(List.of(), fetch("s4"), 2, WAIT);
        List<String> asked = new ArrayList<>();

        fetches.answerWhere(held -> {
            asked.add(held.fetch().node());
            return held.fetch().node().equals("s3");
        });

        assertThat(asked).containsExactly("s2", "s3", "s4");
        assertThat(fetches.releaseAll()).extracting(held -> held.fetch().node()).containsExactly("s2", "s4");
        assertThat(fetches.releaseAll()).isEmpty();
    }
}
