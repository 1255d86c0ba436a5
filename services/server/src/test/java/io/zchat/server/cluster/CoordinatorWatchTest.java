package io.zchat.server.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CoordinatorWatchTest {
    @Test
    void oneMissedCheckIsAStallNotACrash() {
        CoordinatorWatch watch = new CoordinatorWatch(2);
        assertThat(watch.missed("server-3")).isFalse();
        assertThat(watch.misses()).isEqualTo(1);
        assertThat(watch.missed("server-3")).isTrue();
    }

    @Test
    void anAnswerInBetweenStartsTheCountAgain() {
        CoordinatorWatch watch = new CoordinatorWatch(2);
        assertThat(watch.missed("server-3")).isFalse();
        watch.answered("server-3");
        assertThat(watch.missed("server-3")).isFalse();
        assertThat(watch.missed("server-3")).isTrue();
    }

    @Test
    void missesOfAnEarlierCoordinatorDoNotCount() {
        CoordinatorWatch watch = new CoordinatorWatch(2);
        assertThat(watch.missed("server-3")).isFalse();
        assertThat(watch.missed("server-2")).isFalse();
        assertThat(watch.missed("server-2")).isTrue();
    }

    @Test
    void afterAnElectionIsCalledForTheCountStartsAgain() {
        CoordinatorWatch watch = new CoordinatorWatch(2);
        watch.missed("server-3");
        assertThat(watch.missed("server-3")).isTrue();
        assertThat(watch.misses()).isZero();
        assertThat(watch.missed("server-3")).isFalse();
    }

    @Test
    void withOneMissToElectEveryMissCallsForAnElection() {
        CoordinatorWatch watch = new CoordinatorWatch(1);
        assertThat(watch.missed("server-3")).isTrue();
        assertThat(watch.missed("server-3")).isTrue();
    }

    @Test
    void afterTheLinkClosedOneMissedCheckCallsForAnElection() {
        CoordinatorWatch watch = new CoordinatorWatch(2);
        watch.linkLost("server-3");
        assertThat(watch.missed("server-3")).isTrue();
        assertThat(watch.missed("server-3")).as("the next lost link is needed again").isFalse();
    }

    @Test
    void aCheckAnsweredAfterTheLinkClosedMeansItWasTheConnectionNotTheProcess() {
        CoordinatorWatch watch = new CoordinatorWatch(2);
        watch.linkLost("server-3");
        watch.answered("server-3");
        assertThat(watch.missed("server-3")).isFalse();
    }

    @Test
    void aLostLinkToAnEarlierCoordinatorDoesNotCount() {
        CoordinatorWatch watch = new CoordinatorWatch(2);
        watch.linkLost("server-3");
        assertThat(watch.missed("server-2")).isFalse();
    }
}
