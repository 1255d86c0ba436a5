package io.zchat.server.net;

import io.zchat.server.handler.WriteErrors;
import io.zchat.server.log.LogEntry;
import io.zchat.shared.wire.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A forwarded write the coordinator answered is answered here once this server holds its entry
 * durably: at its seq and, when the coordinator answered before the commit, in its term, since an
 * entry of another term at that seq (a divergent tail not cut back yet) is no copy of it.
 */
class PendingWritesTest {
    @TempDir
    Path dir;

    private CoordinatorHarness harness;
    private PendingWrites pending;

    @BeforeEach
    void logInTermThree() throws IOException {
        harness = new CoordinatorHarness(dir, 2);
        pending = harness.pending;
        Instant at = Instant.parse("2026-11-29T10:00:00Z");
        harness.log.append(LogEntry.login(1, 3, "a1", "ana", at, 1));
        harness.log.append(LogEntry.login(2, 3, "b1", "bob", at, 2));
        harness.log.flush();
    }

    @AfterEach
    void close() throws IOException {
        harness.close();
    }

    private static PendingWrite answered(long seq, long term) {
        PendingWrite write = new PendingWrite(List.of(), "login", Service.LOGIN, null, null, "b1", System.nanoTime());
        write.seq = seq;
        write.term = term;
        write.reply = WriteErrors.success(Service.LOGIN);
        return write;
    }

    @Test
    void anEntryOfTheCoordinatorsTermIsACopy() {
        assertThat(pending.holdsEntryOf(answered(2, 3))).isTrue();
    }

    @Test
    void anAnswerAtTheCommitNeedsOnlyTheSeq() {
        assertThat(pending.holdsEntryOf(answered(2, 0))).isTrue();
    }

    @Test
    void anEntryNotDurableHereIsNoCopy() {
        assertThat(pending.holdsEntryOf(answered(3, 3))).isFalse();
    }

    @Test
    void anEntryOfAnotherTermAtThatSeqIsNoCopyAndTheWriteKeepsWaiting() {
        PendingWrite write = answered(2, 5);
        assertThat(pending.holdsEntryOf(write)).isFalse();

        pending.awaitApply(write);
        pending.releaseApplied(harness.log.durableSeq());

        assertThat(pending.count()).as("still waiting for its own entry").isEqualTo(1);
    }

    @Test
    void aWriteWhoseEntryIsHereIsAnsweredOnRelease() {
        pending.awaitApply(answered(2, 3));

        pending.releaseApplied(harness.log.durableSeq());

        assertThat(pending.count()).isZero();
    }
}
