package io.zchat.server.state;

import io.zchat.server.store.StoredEntry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class TopicHistoryTest {
    private static final Instant T = Instant.parse("2026-03-01T12:00:00.123456789Z");

    /** Texts of every kind: ASCII, multi-byte, empty, exactly a slot, longer than a slot. */
    private static String text(int i) {
        return switch (i % 5) {
            case 0 -> "m" + i;
            case 1 -> "ol\u00e1 \ud83d\ude00 " + i;
            case 2 -> "";
            case 3 -> "x".repeat(TopicHistory.SLOT_BYTES);
            default -> "\u00e9".repeat(TopicHistory.SLOT_BYTES) + i;
        };
    }

    private static StoredEntry entry(int i) {
        return StoredEntry.post(i, null, "ana", "general", text(i), T.plusMillis(i), 100 + i);
    }

    private static List<StoredEntry> held(TopicHistory topic) {
        List<StoredEntry> out = new ArrayList<>();
        for (int i = 0; i < topic.size(); i++) {
            out.add(topic.entry(i));
            assertThat(topic.clock(i)).isEqualTo(out.get(i).clock());
        }
        return out;
    }

    private static void add(TopicHistory topic, StoredEntry e) {
        topic.add(e.seq(), e.clock(), e.timestamp(), e.user(), e.channel(), e.src(), e.dst(), e.message());
    }

    @Test
    void growsUpToItsBoundAndGivesBackEveryFieldOldestFirst() {
        TopicHistory topic = new TopicHistory(1000);
        List<StoredEntry> added = IntStream.rangeClosed(1, 37).mapToObj(TopicHistoryTest::entry).toList();
        added.forEach(e -> add(topic, e));

        assertThat(held(topic)).containsExactlyElementsOf(added);
        assertThat(topic.droppedAny()).isFalse();
    }

    @Test
    void atItsBoundTheOldestIsPushedOutAndItsClockRemembered() {
        int bound = 12; // the columns first grow from 8, then the ring comes round
        TopicHistory topic = new TopicHistory(bound);
        List<StoredEntry> added = IntStream.rangeClosed(1, 40).mapToObj(TopicHistoryTest::entry).toList();
        for (int n = 0; n < added.size(); n++) {
            add(topic, added.get(n));
            List<StoredEntry> expected = added.subList(Math.max(0, n + 1 - bound), n + 1);
            assertThat(held(topic)).as("after %d", n + 1).containsExactlyElementsOf(expected);
            assertThat(topic.droppedAny()).isEqualTo(n >= bound);
            if (n >= bound) {
                assertThat(topic.droppedClock()).isEqualTo(added.get(n - bound).clock());
            }
        }
    }
}
