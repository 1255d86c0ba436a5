package io.zchat.server.state;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RecentIdsTest {
    private final Map<Long, String> log = new HashMap<>();

    private void remember(RecentIds ids, String id, long seq) {
        log.put(seq, id);
        ids.remember(id, seq);
    }

    @Test
    void findsTheSeqOfEveryRememberedId() {
        RecentIds ids = new RecentIds(131_072, log::get);
        for (long seq = 1; seq <= 60_000; seq++) {
            remember(ids, "bot-7:" + seq, seq);
        }
        for (long seq = 1; seq <= 60_000; seq += 7) {
            assertThat(ids.seqOf("bot-7:" + seq)).hasValue(seq);
        }
        assertThat(ids.seqOf("bot-7:60001")).isEmpty();
        assertThat(ids.seqOf("")).isEmpty();
        assertThat(ids.seqOf(null)).isEmpty();
    }

    @Test
    void aMatchIsConfirmedByTheIdTheLogHoldsAtThatSeq() {
        RecentIds ids = new RecentIds(16, log::get);
        remember(ids, "a", 1);
        log.put(1L, "b");
        assertThat(ids.seqOf("a")).as("the log says seq 1 is another write").isEmpty();
        log.remove(1L);
        assertThat(ids.seqOf("a")).as("the log does not reach seq 1").isEmpty();
    }

    @Test
    void forgetsTheOlderGenerationWholeWhenTheNewerFills() {
        RecentIds ids = new RecentIds(8, log::get);
        for (long seq = 1; seq <= 12; seq++) {
            remember(ids, "id-" + seq, seq);
        }
        for (long seq = 1; seq <= 4; seq++) {
            assertThat(ids.seqOf("id-" + seq)).as("id-%d", seq).isEmpty();
        }
        for (long seq = 5; seq <= 12; seq++) {
            assertThat(ids.seqOf("id-" + seq)).as("id-%d", seq).hasValue(seq);
        }
        assertThat(ids.size()).isEqualTo(8);
        remember(ids, "id-13", 13);
        assertThat(ids.size()).isEqualTo(5);
        assertThat(ids.seqOf("id-8")).isEmpty();
        assertThat(ids.seqOf("id-9")).hasValue(9L);
    }

    @Test
    void idsWithoutTextOrSeqAreNotRemembered() {
        RecentIds ids = new RecentIds(8, log::get);
        ids.remember(null, 1);
        ids.remember("", 2);
        ids.remember("x", 0);
        assertThat(ids.size()).isZero();
    }
}
