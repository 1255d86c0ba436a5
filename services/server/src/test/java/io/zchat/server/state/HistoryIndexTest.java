package io.zchat.server.state;

import io.zchat.server.store.StoredEntry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryIndexTest {
    private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

    private static StoredEntry post(String channel, long clock) {
        return StoredEntry.post(clock, null, "ana", channel, "m" + clock, T.plusMillis(clock), clock);
    }

    private static StoredEntry direct(String src, String dst, long clock) {
        return StoredEntry.direct(clock, null, src, dst, "d" + clock, T.plusMillis(clock), clock);
    }

    private static List<Long> clocks(List<StoredEntry> entries) {
        return entries.stream().map(StoredEntry::clock).toList();
    }

    private static List<StoredEntry> posts(long fromClock, long toClock) {
        List<StoredEntry> out = new ArrayList<>();
        for (long c = fromClock; c <= toClock; c++) {
            out.add(post("general", c));
        }
        return out;
    }

    @Test
    void selectWithoutSinceGivesTheLatestNOldestFirst() {
        assertThat(clocks(HistoryIndex.select(posts(1, 10), 3, null))).containsExactly(8L, 9L, 10L);
        assertThat(clocks(HistoryIndex.select(posts(1, 2), 5, null))).containsExactly(1L, 2L);
        assertThat(HistoryIndex.select(List.of(), 5, null)).isEmpty();
    }

    @Test
    void selectWithSinceGivesTheFirstNWithAHigherClock() {
        assertThat(clocks(HistoryIndex.select(posts(1, 10), 3, 4L))).containsExactly(5L, 6L, 7L);
        assertThat(clocks(HistoryIndex.select(posts(1, 10), 100, 8L))).containsExactly(9L, 10L);
        assertThat(clocks(HistoryIndex.select(posts(1, 10), 3, 0L))).containsExactly(1L, 2L, 3L);
        assertThat(HistoryIndex.select(posts(1, 10), 3, 10L)).isEmpty();
    }

    @Test
    void selectWithSinceIsStrictlyGreater() {
        assertThat(clocks(HistoryIndex.select(posts(5, 7), 10, 5L))).containsExactly(6L, 7L);
    }

    @Test
    void queryKeepsChannelsApart() {
        HistoryIndex index = new HistoryIndex(10);
        index.add(post("general", 1));
        index.add(post("dev", 2));
        index.add(post("general", 3));
        assertThat(index.query(true, "general", 10, null)).hasValueSatisfying(
                l -> assertThat(clocks(l)).containsExactly(1L, 3L));
        assertThat(index.query(true, "dev", 10, null)).hasValueSatisfying(
                l -> assertThat(clocks(l)).containsExactly(2L));
        assertThat(index.query(true, "empty", 10, null)).hasValue(List.of());
    }

    @Test
    void directMessagesAreIndexedUnderSenderAndRecipient() {
        HistoryIndex index = new HistoryIndex(10);
        index.add(direct("ana", "bob", 1));
        index.add(direct("bob", "ana", 2));
        index.add(direct("carol", "bob", 3));
        index.add(direct("ana", "ana", 4));
        assertThat(index.query(false, "ana", 10, null)).hasValueSatisfying(
                l -> assertThat(clocks(l)).containsExactly(1L, 2L, 4L));
        assertThat(index.query(false, "bob", 10, null)).hasValueSatisfying(
                l -> assertThat(clocks(l)).containsExactly(1L, 2L, 3L));
        assertThat(index.query(false, "carol", 10, null)).hasValueSatisfying(
                l -> assertThat(clocks(l)).containsExactly(3L));
        assertThat(index.query(true, "ana", 10, null)).hasValue(List.of());
    }

    @Test
    void queryAsksForTheDiskOnlyWhenMemoryDoesNotReachBackFarEnough() {
        HistoryIndex index = new HistoryIndex(3);
        posts(1, 5).forEach(index::add); // memory keeps 3, 4, 5; 1 and 2 were pushed out

        assertThat(index.query(true, "general", 3, null)).hasValueSatisfying(
                l -> assertThat(clocks(l)).containsExactly(3L, 4L, 5L));
        assertThat(index.query(true, "general", 2, null)).hasValueSatisfying(
                l -> assertThat(clocks(l)).containsExactly(4L, 5L));
        assertThat(index.query(true, "general", 4, null)).isEmpty();

        assertThat(index.query(true, "general", 10, 2L)).hasValueSatisfying(
                l -> assertThat(clocks(l)).containsExactly(3L, 4L, 5L));
        assertThat(index.query(true, "general", 1, 3L)).hasValueSatisfying(
                l -> assertThat(clocks(l)).containsExactly(4L));
        assertThat(index.query(true, "general", 10, 1L)).isEmpty();
        assertThat(index.query(true, "general", 1, 0L)).isEmpty();
    }

    @Test
    void memoryGivesBackEveryFieldButTheRequestId() {
        HistoryIndex index = new HistoryIndex(10);
        Instant at = Instant.parse("2026-03-01T12:00:00.123456789Z");
        index.add(StoredEntry.post(7, "req-7", "ana", "general", "ol\u00e1 \ud83d\ude00", at, 42));
        index.add(StoredEntry.direct(8, "req-8", "ana", "bob", "", at, 43));

        assertThat(index.query(true, "general", 10, null)).hasValue(
                List.of(StoredEntry.post(7, null, "ana", "general", "ol\u00e1 \ud83d\ude00", at, 42)));
        assertThat(index.query(false, "bob", 10, null)).hasValue(
                List.of(StoredEntry.direct(8, null, "ana", "bob", "", at, 43)));
    }

    @Test
    void entriesShareOneInstanceOfEachName() {
        HistoryIndex index = new HistoryIndex(10);
        index.add(StoredEntry.post(1, null, new String("ana"), new String("general"), "a", T, 1));
        index.add(StoredEntry.post(2, null, new String("ana"), new String("general"), "b", T, 2));

        List<StoredEntry> kept = index.query(true, "general", 10, null).orElseThrow();
        assertThat(kept.get(1).user()).isSameAs(kept.get(0).user());
        assertThat(kept.get(1).channel()).isSameAs(kept.get(0).channel());
    }
}
