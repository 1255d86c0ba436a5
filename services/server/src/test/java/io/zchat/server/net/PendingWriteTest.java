package io.zchat.server.net;

import io.zchat.shared.wire.Service;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A forwarded write may have been answered once it was sent and no result came: sent again, or
 * taken over by a server becoming coordinator, it is then answered only where it makes a new
 * entry. A refusal is a result: the refusing coordinator answered nothing.
 */
class PendingWriteTest {
    private static PendingWrite write() {
        return new PendingWrite(List.of(), "login", Service.LOGIN, null, new byte[0], "w1", System.nanoTime());
    }

    @Test
    void aFirstSendCannotHaveBeenAnswered() {
        PendingWrite write = write();
        write.sent(100);
        assertThat(write.maybeAnswered).isFalse();
        assertThat(write.resendAt).isEqualTo(100);
    }

    @Test
    void sentAgainWithoutAResultItMayHaveBeenAnswered() {
        PendingWrite write = write();
        write.sent(100);
        write.sent(200);
        assertThat(write.maybeAnswered).isTrue();
    }

    @Test
    void sentAgainAfterARefusalItCannotHaveBeenAnswered() {
        PendingWrite write = write();
        write.sent(100);
        write.refused(150);
        write.sent(200);
        assertThat(write.maybeAnswered).isFalse();
    }

    @Test
    void onceItMayHaveBeenAnsweredARefusalDoesNotUndoIt() {
        PendingWrite write = write();
        write.sent(100);
        write.sent(200);
        write.refused(250);
        write.sent(300);
        assertThat(write.maybeAnswered).as("the first coordinator may still have answered it").isTrue();
    }

    @Test
    void takenOverWhileInFlightItMayHaveBeenAnswered() {
        PendingWrite inFlight = write();
        inFlight.sent(100);
        inFlight.takenOver();
        assertThat(inFlight.maybeAnswered).isTrue();

        PendingWrite neverSent = write();
        neverSent.takenOver();
        assertThat(neverSent.maybeAnswered).isFalse();
    }
}
