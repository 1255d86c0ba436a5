package io.zchat.server.replication;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CommitTrackerTest {

    @Test
    void twoOfThreeCommitsTheSecondHighestPosition() {
        CommitTracker tracker = new CommitTracker(2, 0, 1);
        assertThat(tracker.durable("s1", 10)).as("only the coordinator holds it").isZero();
        assertThat(tracker.durable("s2", 4)).isEqualTo(4);
        assertThat(tracker.durable("s3", 7)).isEqualTo(7);
        assertThat(tracker.durable("s2", 9)).isEqualTo(9);
        assertThat(tracker.durable("s1", 12)).isEqualTo(9);
        assertThat(tracker.durable("s3", 15)).isEqualTo(12);
        assertThat(tracker.commit()).isEqualTo(12);
        assertThat(tracker.positions()).isEqualTo(Map.of("s1", 12L, "s2", 9L, "s3", 15L));
    }

    @Test
    void heldByAllIsTheLowestPositionOnceEveryGivenServerHasReported() {
        CommitTracker tracker = new CommitTracker(2, 0, 1);
        assertThat(tracker.heldByAll(List.of("s2", "s3"))).as("nobody has reported").isZero();
        tracker.durable("s1", 10);
        tracker.durable("s2", 7);
        assertThat(tracker.heldByAll(List.of("s2", "s3"))).as("s3 has not reported").isZero();
        tracker.durable("s3", 8);
        assertThat(tracker.heldByAll(List.of("s2", "s3"))).isEqualTo(7);
        tracker.durable("s2", 12);
        assertThat(tracker.heldByAll(List.of("s2", "s3"))).isEqualTo(8);
        assertThat(tracker.heldByAll(List.of("s2"))).as("s3 gone from the live peers still counts: it may come back")
                .isEqualTo(8);
    }

    @Test
    void minAcksOneCommitsWhatTheFirstServerHolds() {
        CommitTracker tracker = new CommitTracker(1, 0, 1);
        assertThat(tracker.durable("s1", 3)).isEqualTo(3);
        assertThat(tracker.durable("s2", 1)).isEqualTo(3);
        assertThat(tracker.durable("s2", 8)).as("the highest position").isEqualTo(8);
    }

    @Test
    void minAcksThreeNeedsEveryOneOfThree() {
        CommitTracker tracker = new CommitTracker(3, 0, 1);
        assertThat(tracker.durable("s1", 10)).isZero();
        assertThat(tracker.durable("s2", 10)).isZero();
        assertThat(tracker.durable("s3", 6)).isEqualTo(6);
        assertThat(tracker.durable("s1", 20)).isEqualTo(6);
        assertThat(tracker.durable("s3", 15)).isEqualTo(10);
        assertThat(tracker.durable("s2", 30)).isEqualTo(15);
    }

    @Test
    void commitNeverGoesBackwards() {
        CommitTracker tracker = new CommitTracker(2, 0, 1);
        tracker.durable("s1", 10);
        tracker.durable("s2", 10);
        assertThat(tracker.commit()).isEqualTo(10);
        // stale or out-of-order reports
        assertThat(tracker.durable("s2", 3)).isEqualTo(10);
        assertThat(tracker.durable("s1", 0)).isEqualTo(10);
        assertThat(tracker.positions()).containsEntry("s1", 10L).containsEntry("s2", 10L);
        // a third server far behind changes nothing
        assertThat(tracker.durable("s3", 1)).isEqualTo(10);
        assertThat(tracker.commit()).isEqualTo(10);
    }

    @Test
    void aNewTrackerStartsAtTheGivenCommitAndNeverBelowIt() {
        CommitTracker tracker = new CommitTracker(2, 50, 1);
        assertThat(tracker.commit()).isEqualTo(50);
        assertThat(tracker.durable("s1", 60)).isEqualTo(50);
        assertThat(tracker.durable("s2", 40)).as("lower than the commit it started from").isEqualTo(50);
        assertThat(tracker.durable("s2", 55)).isEqualTo(55);
    }

    @Test
    void aPositionStillCountsAfterItsServerStopsReporting() {
        CommitTracker tracker = new CommitTracker(2, 0, 1);
        tracker.durable("s2", 8); // s2 then dies
        assertThat(tracker.durable("s1", 12)).isEqualTo(8);
        assertThat(tracker.durable("s3", 11)).isEqualTo(11);
    }

    @Test
    void aFourthServerJoiningKeepsMinAcksACount() {
        CommitTracker tracker = new CommitTracker(2, 0, 1);
        tracker.durable("s1", 10);
        tracker.durable("s2", 8);
        tracker.durable("s3", 2);
        assertThat(tracker.commit()).isEqualTo(8);
        // with four servers, two acks are still enough (not a majority of three)
        assertThat(tracker.durable("s4", 1)).isEqualTo(8);
        tracker.durable("s1", 20);
        assertThat(tracker.durable("s4", 19)).isEqualTo(19);
        assertThat(tracker.positions()).hasSize(4);

        CommitTracker three = new CommitTracker(3, 0, 1);
        three.durable("s1", 10);
        three.durable("s2", 8);
        three.durable("s3", 2);
        assertThat(three.durable("s4", 5)).as("third highest of 10, 8, 5, 2").isEqualTo(5);
    }

    @Test
    void entriesOfEarlierTermsCommitOnlyWithTheFirstOfThisTerm() {
        // this term began at seq 11 (its term-start entry); 1..10 were adopted from earlier terms
        CommitTracker tracker = new CommitTracker(2, 4, 11);
        assertThat(tracker.durable("s1", 11)).isEqualTo(4);
        assertThat(tracker.durable("s2", 10)).as("two copies of seq 10, of an earlier term").isEqualTo(4);
        assertThat(tracker.durable("s2", 11)).as("two copies of this term's first entry").isEqualTo(11);
        assertThat(tracker.durable("s2", 14)).isEqualTo(11);
        assertThat(tracker.durable("s1", 14)).isEqualTo(14);
    }
}
