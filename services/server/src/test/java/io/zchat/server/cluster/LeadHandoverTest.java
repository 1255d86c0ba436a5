package io.zchat.server.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The race between the two loops, in the order its events reach the cluster loop: the server loop
 * steps down from term 3 because the cluster loop took term 4, and its notice arrives after term
 * 4 was handed over. That notice must not depose term 4; a step-down from term 4 itself must.
 */
class LeadHandoverTest {
    private final LeadHandover handover = new LeadHandover();

    @Test
    void aStepDownFromTheTermHandedOverIsCurrent() {
        handover.handed(3);

        assertThat(handover.isCurrent(3)).isTrue();
    }

    @Test
    void aStepDownFromAnEarlierTermArrivingAfterALaterHandoverIsStale() {
        handover.handed(3);
        handover.handed(4);

        assertThat(handover.isCurrent(3)).as("the server loop left term 3 because term 4 was taken").isFalse();
        assertThat(handover.isCurrent(4)).isTrue();
    }

    @Test
    void aServerNeverHandedATermActsOnEveryStepDown() {
        assertThat(handover.isCurrent(0)).isTrue();
    }
}
