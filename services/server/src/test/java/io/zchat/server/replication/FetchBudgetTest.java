package io.zchat.server.replication;

import io.zchat.shared.wire.Stamp;
import io.zchat.shared.wire.WireCodec;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FetchBudgetTest {
    private static final long MB = 1024 * 1024;
    private static final WireCodec CODEC = new WireCodec();

    /** Fills an answer the way the log does: lines while they fit the byte budget, at least one. */
    private static byte[] fullAnswer(FetchBudget budget, int lineLength) {
        List<byte[]> lines = new ArrayList<>();
        int bytes = 0;
        while (lines.size() < budget.entries() && (lines.isEmpty() || bytes + lineLength <= budget.lineBytes())) {
            byte[] line = new byte[lineLength];
            Arrays.fill(line, (byte) 'x');
            lines.add(line);
            bytes += lineLength;
        }
        String longestName = "n".repeat(64);
        var answer = new ReplicaMessages.Entries(longestName, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
                Long.MAX_VALUE, lines, Long.MAX_VALUE, "r".repeat(64));
        return CODEC.encode(ReplicaMessages.FETCH, answer, new Stamp(Instant.now(), Long.MAX_VALUE));
    }

    @Test
    void aFullAnswerOfTheDefaultsFitsTheDefaultMessageLimit() {
        FetchBudget budget = FetchBudget.of(4096, MB, MB);

        // lines of a few hundred bytes, as publishes make: 4,096 of them are more than 1 MB
        for (int lineLength : new int[] {180, 256, 300, 1000, 40_000}) {
            assertThat(fullAnswer(budget, lineLength).length).as("lines of %d bytes", lineLength)
                    .isLessThanOrEqualTo((int) MB);
        }
    }

    @Test
    void theLineBytesAreCutToWhatTheMessageLimitLeaves() {
        assertThat(FetchBudget.of(4096, MB, MB).lineBytes()).isLessThan((int) MB);
        assertThat(FetchBudget.of(4096, 256 * 1024, MB).lineBytes()).as("a smaller wish is kept").isEqualTo(256 * 1024);
        FetchBudget roomy = FetchBudget.of(100, 4 * MB, 8 * MB);
        assertThat(roomy.lineBytes()).isEqualTo((int) (4 * MB));
        assertThat(fullAnswer(roomy, 50_000).length).isLessThanOrEqualTo((int) (8 * MB));
    }

    @Test
    void aLimitThatLeavesNoRoomForTheLongestLineStopsStartUp() {
        assertThatThrownBy(() -> FetchBudget.of(4096, MB, 64 * 1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chat.zmq.max-message-size")
                .hasMessageContaining("chat.replication.fetch-entries");
    }
}
