package io.zchat.server.state;

import io.zchat.server.store.RegistrySnapshot;
import io.zchat.server.store.StoredEntry;
import io.zchat.shared.wire.HistoryEntry;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Stamp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class ChatStateTest {
    private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

    /** Everything accepted, as a store would hold it: the fake disk. */
    private final List<StoredEntry> disk = new ArrayList<>();
    private final AtomicInteger diskScans = new AtomicInteger();
    private final BiConsumer<Boolean, Consumer<StoredEntry>> scan = (posts, sink) -> {
        diskScans.incrementAndGet();
        disk.stream().filter(e -> e.isPost() == posts).forEach(sink);
    };
    private final AtomicLong clock = new AtomicLong(100);
    private final AtomicInteger stampsTaken = new AtomicInteger();
    private final Supplier<Stamp> stamps = () -> {
        stampsTaken.incrementAndGet();
        long c = clock.incrementAndGet();
        return new Stamp(T.plusMillis(c), c);
    };

    private ChatState state;

    @BeforeEach
    void freshState() {
        state = new ChatState(null, scan);
    }

    private ChatState.Write post(String user, String channel, String message) {
        ChatState.Write w = state.post(new Requests.Publish(user, channel, message, null), stamps);
        if (w.accepted()) {
            disk.add(w.entry());
        }
        return w;
    }

    private ChatState.Write direct(String src, String dst, String message) {
        ChatState.Write w = state.direct(new Requests.Message(src, dst, message, null), stamps);
        if (w.accepted()) {
            disk.add(w.entry());
        }
        return w;
    }

    private void login(String... names) {
        for (String name : names) {
            assertThat(state.login(name, null, T).ok()).as("login %s", name).isTrue();
        }
    }

    private Replies.History history(String channel, String user, Integer limit, Long since) {
        return state.history(new Requests.History(channel, user, limit, since));
    }

    private static List<String> messages(Replies.History h) {
        assertThat(h.status()).as("history error: %s", h.description()).isNull();
        return h.messages().stream().map(HistoryEntry::message).toList();
    }

    private static void assertRejected(ChatState.Write w, String... words) {
        assertThat(w.accepted()).isFalse();
        assertThat(w.entry()).isNull();
        Replies.Ack ack = (Replies.Ack) w.reply();
        assertThat(ack.status()).isEqualTo("erro");
        assertThat(ack.message()).contains(words);
    }

    private static void assertError(Replies.Status s, String... words) {
        assertThat(s.status()).isEqualTo("erro");
        assertThat(s.description()).contains(words);
    }

    // --- fresh state and registry ---

    @Test
    void freshStateHasTheGeneralChannelAndARegistryToWrite() {
        assertThat(state.channels()).containsExactly("general");
        assertThat(state.users()).isEmpty();
        assertThat(state.lastSeq()).isZero();
        assertThat(state.takeRegistryChange()).hasValue(new RegistrySnapshot(List.of(), List.of("general")));
        assertThat(state.takeRegistryChange()).isEmpty();
    }

    @Test
    void stateLoadedFromARegistryHasItsUsersAndChannelsAndNothingToWrite() {
        RegistrySnapshot registry = new RegistrySnapshot(
                List.of(new RegistrySnapshot.User("ana", 3, List.of(T))), List.of("general", "dev"));
        ChatState loaded = new ChatState(registry, scan);
        assertThat(loaded.users()).containsExactly("ana");
        assertThat(loaded.channels()).containsExactly("general", "dev");
        assertThat(loaded.takeRegistryChange()).isEmpty();

        loaded.login("ana", null, T.plusSeconds(1));
        assertThat(loaded.takeRegistryChange()).hasValue(new RegistrySnapshot(
                List.of(new RegistrySnapshot.User("ana", 4, List.of(T, T.plusSeconds(1)))),
                List.of("general", "dev")));
    }

    // --- login ---

    @Test
    void loginRegistersTheUserAndMarksTheRegistry() {
        state.takeRegistryChange();
        Replies.Status s = state.login("ana", "req-1", T);
        assertThat(s).isEqualTo(Replies.Status.success());
        assertThat(state.users()).containsExactly("ana");
        assertThat(state.takeRegistryChange()).hasValueSatisfying(r -> assertThat(r.users())
                .containsExactly(new RegistrySnapshot.User("ana", 1, List.of(T))));
        assertThat(state.replyTo("req-1")).hasValue(Replies.Status.success());
    }

    @Test
    void loginValidatesTheName() {
        assertError(state.login("", null, T), "missing");
        assertError(state.login(null, null, T), "missing");
        assertError(state.login("ana maria", null, T), "whitespace");
        assertError(state.login("x".repeat(65), null, T), "longer");
        assertError(state.login("servers", null, T), "reserved");
        assertThat(state.users()).isEmpty();
    }

    @Test
    void loginRefusesAChannelName() {
        assertError(state.login("general", null, T), "general", "channel");
        assertThat(state.users()).isEmpty();
    }

    @Test
    void reLoginIsAcceptedAndCounted() {
        state.login("ana", null, T);
        assertThat(state.login("ana", null, T.plusSeconds(5)).ok()).isTrue();
        assertThat(state.users()).containsExactly("ana");
        assertThat(state.takeRegistryChange()).hasValueSatisfying(r -> assertThat(r.users())
                .containsExactly(new RegistrySnapshot.User("ana", 2, List.of(T, T.plusSeconds(5)))));
    }

    @Test
    void onlyTheLatestLoginTimesAreKept() {
        for (int i = 0; i < 25; i++) {
            state.login("ana", null, T.plusSeconds(i));
        }
        RegistrySnapshot.User ana = state.takeRegistryChange().orElseThrow().users().get(0);
        assertThat(ana.loginCount()).isEqualTo(25);
        assertThat(ana.logins()).hasSize(20).startsWith(T.plusSeconds(5)).endsWith(T.plusSeconds(24));
    }

    // --- channels ---

    @Test
    void createChannelAddsItInOrder() {
        state.takeRegistryChange();
        assertThat(state.createChannel("dev", "c-1")).isEqualTo(Replies.Status.success());
        assertThat(state.createChannel("ops", null).ok()).isTrue();
        assertThat(state.channels()).containsExactly("general", "dev", "ops");
        assertThat(state.takeRegistryChange()).hasValueSatisfying(
                r -> assertThat(r.channels()).containsExactly("general", "dev", "ops"));
        assertThat(state.replyTo("c-1")).hasValue(Replies.Status.success());
    }

    @Test
    void createChannelRefusesDuplicates() {
        state.createChannel("dev", null);
        state.takeRegistryChange();
        assertError(state.createChannel("dev", null), "dev", "exists");
        assertError(state.createChannel("general", null), "general", "exists");
        assertThat(state.channels()).containsExactly("general", "dev");
        assertThat(state.takeRegistryChange()).isEmpty();
    }

    @Test
    void createChannelRefusesAUserName() {
        login("ana");
        assertError(state.createChannel("ana", null), "ana", "user");
        assertThat(state.channels()).containsExactly("general");
    }

    @Test
    void createChannelRefusesInvalidAndReservedNames() {
        assertError(state.createChannel("", null), "channel", "missing");
        assertError(state.createChannel("a\tb", null), "whitespace");
        assertError(state.createChannel("a\u200bb", null), "control");
        assertError(state.createChannel("c".repeat(65), null), "longer");
        assertError(state.createChannel("replica", null), "reserved");
        assertError(state.createChannel("Servers", null), "reserved");
        assertThat(state.channels()).containsExactly("general");
    }

    // --- posts and direct messages ---

    @Test
    void postRefusesUnknownUserAndUnknownChannel() {
        login("ana");
        assertRejected(post("bob", "general", "hi"), "unknown user", "bob");
        assertRejected(post("ana", "nowhere", "hi"), "unknown channel", "nowhere");
        assertThat(state.lastSeq()).isZero();
        assertThat(stampsTaken).hasValue(0);
    }

    @Test
    void postRefusesEmptyAndOverLongMessages() {
        login("ana");
        assertRejected(post("ana", "general", ""), "empty");
        assertRejected(post("ana", "general", null), "empty");
        assertRejected(post("ana", "general", "x".repeat(ChatState.MAX_MESSAGE_LENGTH + 1)), "longer");
        assertThat(post("ana", "general", "x".repeat(ChatState.MAX_MESSAGE_LENGTH)).accepted()).isTrue();
    }

    @Test
    void acceptedPostsGetIncreasingSeqAndTheStamp() {
        login("ana");
        ChatState.Write first = state.post(new Requests.Publish("ana", "general", "hello", "p-1"), stamps);
        ChatState.Write second = post("ana", "general", "again");

        assertThat(first.accepted()).isTrue();
        assertThat(first.reply()).isEqualTo(Replies.Ack.ok());
        assertThat(first.entry()).isEqualTo(
                StoredEntry.post(1, "p-1", "ana", "general", "hello", T.plusMillis(101), 101));
        assertThat(second.entry().seq()).isEqualTo(2);
        assertThat(second.entry().clock()).isGreaterThan(first.entry().clock());
        assertThat(state.lastSeq()).isEqualTo(2);
        assertThat(state.lastClock()).isEqualTo(102);
        assertThat(state.replyTo("p-1")).hasValue(Replies.Ack.ok());
        assertThat(state.replyTo("never-seen")).isEmpty();
    }

    @Test
    void directRefusesUnknownSourceOrDestination() {
        login("ana");
        assertRejected(direct("zed", "ana", "hi"), "unknown user", "zed");
        assertRejected(direct("ana", "zed", "hi"), "unknown user", "zed");
        assertRejected(direct("ana", "general", "hi"), "unknown user", "general");
        assertRejected(direct("ana", "ana", ""), "empty");
        assertThat(state.lastSeq()).isZero();
    }

    @Test
    void postsAndDirectMessagesShareOneSequence() {
        login("ana", "bob");
        ChatState.Write p = post("ana", "general", "p");
        ChatState.Write d = direct("ana", "bob", "d");
        assertThat(p.entry().seq()).isEqualTo(1);
        assertThat(d.entry()).isEqualTo(StoredEntry.direct(2, null, "ana", "bob", "d", T.plusMillis(102), 102));
        assertThat(d.entry().isPost()).isFalse();
    }

    // --- history ---

    @Test
    void historyNeedsExactlyOneOfChannelOrUser() {
        login("ana");
        Replies.History neither = history(null, null, null, null);
        assertThat(neither.status()).isEqualTo("erro");
        assertThat(neither.description()).contains("exactly one");
        Replies.History both = history("general", "ana", null, null);
        assertThat(both.status()).isEqualTo("erro");
        assertThat(both.messages()).isEmpty();
    }

    @Test
    void historyRefusesUnknownChannelOrUser() {
        Replies.History channel = history("nowhere", null, null, null);
        assertThat(channel.status()).isEqualTo("erro");
        assertThat(channel.description()).contains("unknown channel", "nowhere");
        Replies.History user = history(null, "zed", null, null);
        assertThat(user.status()).isEqualTo("erro");
        assertThat(user.description()).contains("unknown user", "zed");
    }

    @Test
    void historyRefusesANonPositiveLimit() {
        for (int limit : new int[] {0, -1, Integer.MIN_VALUE}) {
            Replies.History h = history("general", null, limit, null);
            assertThat(h.status()).as("limit %d", limit).isEqualTo("erro");
            assertThat(h.description()).contains("limit");
        }
    }

    @Test
    void historyDefaultsTo100AndCapsAt1000() {
        login("ana");
        for (int i = 1; i <= 1100; i++) {
            post("ana", "general", "m" + i);
        }
        List<String> byDefault = messages(history("general", null, null, null));
        assertThat(byDefault).hasSize(ChatState.HISTORY_DEFAULT).startsWith("m1001").endsWith("m1100");

        List<String> capped = messages(history("general", null, 5000, null));
        assertThat(capped).hasSize(ChatState.HISTORY_MAX).startsWith("m101").endsWith("m1100");

        assertThat(messages(history("general", null, 3, null))).containsExactly("m1098", "m1099", "m1100");
        assertThat(diskScans).hasValue(0);
    }

    @Test
    void historyListsPostsOldestFirstAsPublished() {
        login("ana");
        post("ana", "general", "one");
        post("ana", "general", "two");
        List<HistoryEntry> entries = history("general", null, null, null).messages();
        assertThat(entries).containsExactly(
                new HistoryEntry("ana", "general", null, null, "one", T.plusMillis(101), 101),
                new HistoryEntry("ana", "general", null, null, "two", T.plusMillis(102), 102));
        assertThat(messages(history("general", null, null, null))).containsExactly("one", "two");
    }

    @Test
    void historyOfAnEmptyChannelIsEmpty() {
        state.createChannel("dev", null);
        assertThat(messages(history("dev", null, null, null))).isEmpty();
    }

    @Test
    void sinceGivesOnlyLaterEntriesTheFirstLimitOfThem() {
        login("ana");
        List<Long> clocks = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            clocks.add(post("ana", "general", "m" + i).entry().clock());
        }
        long sinceThird = clocks.get(2);
        assertThat(messages(history("general", null, null, sinceThird)))
                .containsExactly("m4", "m5", "m6", "m7", "m8", "m9", "m10");
        assertThat(messages(history("general", null, 2, sinceThird))).containsExactly("m4", "m5");
        assertThat(messages(history("general", null, null, clocks.get(9)))).isEmpty();
        assertThat(history("general", null, null, sinceThird).messages())
                .allSatisfy(e -> assertThat(e.clock()).isGreaterThan(sinceThird));
    }

    @Test
    void userHistoryHasSentAndReceivedDirectMessagesOnly() {
        login("ana", "bob", "carol");
        direct("ana", "bob", "ana to bob");
        post("ana", "general", "a post");
        direct("bob", "ana", "bob to ana");
        direct("carol", "bob", "carol to bob");
        direct("ana", "ana", "note to self");

        assertThat(messages(history(null, "ana", null, null)))
                .containsExactly("ana to bob", "bob to ana", "note to self");
        assertThat(messages(history(null, "bob", null, null)))
                .containsExactly("ana to bob", "bob to ana", "carol to bob");
        assertThat(history(null, "carol", null, null).messages()).singleElement().satisfies(e -> {
            assertThat(e.src()).isEqualTo("carol");
            assertThat(e.dst()).isEqualTo("bob");
            assertThat(e.channel()).isNull();
        });
    }

    @Test
    void sinceOlderThanMemoryIsAnsweredFromDisk() {
        login("ana", "bob");
        state.createChannel("dev", null);
        List<Long> clocks = new ArrayList<>();
        for (int i = 1; i <= 1200; i++) {
            clocks.add(post("ana", "general", "m" + i).entry().clock());
            if (i % 100 == 0) {
                post("ana", "dev", "other channel " + i);
                direct("ana", "bob", "dm " + i);
            }
        }
        // memory holds m201..m1200 of general; m1..m200 are only on disk
        assertThat(messages(history("general", null, 3, clocks.get(9))))
                .containsExactly("m11", "m12", "m13");
        assertThat(diskScans).hasValue(1);

        assertThat(messages(history("general", null, 1000, 0L)))
                .hasSize(1000).startsWith("m1").endsWith("m1000");
        assertThat(diskScans).hasValue(2);

        // reaching only into memory needs no scan
        assertThat(messages(history("general", null, 2, clocks.get(499)))).containsExactly("m501", "m502");
        assertThat(messages(history("general", null, 2, null))).containsExactly("m1199", "m1200");
        assertThat(diskScans).hasValue(2);
    }

    @Test
    void userSinceOlderThanMemoryIsAnsweredFromDisk() {
        login("ana", "bob", "carol");
        for (int i = 1; i <= 1005; i++) {
            direct(i % 2 == 0 ? "ana" : "bob", i % 2 == 0 ? "bob" : "ana", "dm" + i);
            if (i == 3) {
                direct("carol", "bob", "not for ana");
            }
        }
        assertThat(messages(history(null, "ana", 3, 0L))).containsExactly("dm1", "dm2", "dm3");
        assertThat(diskScans).hasValue(1);
    }

    // --- replay ---

    @Test
    void replayRestoresSequenceClockHistoryAndRetriedIds() {
        RegistrySnapshot registry = new RegistrySnapshot(
                List.of(new RegistrySnapshot.User("ana", 1, List.of(T)),
                        new RegistrySnapshot.User("bob", 1, List.of(T))),
                List.of("general"));
        ChatState restarted = new ChatState(registry, scan);
        restarted.replay(StoredEntry.post(1, "p-1", "ana", "general", "one", T, 500));
        restarted.replay(StoredEntry.post(2, null, "ana", "general", "two", T, 510));
        restarted.replay(StoredEntry.direct(3, "d-3", "ana", "bob", "dm", T, 505));

        assertThat(restarted.lastSeq()).isEqualTo(3);
        assertThat(restarted.lastClock()).isEqualTo(510);
        assertThat(restarted.replyTo("p-1")).hasValue(Replies.Ack.ok());
        assertThat(restarted.replyTo("d-3")).hasValue(Replies.Ack.ok());
        assertThat(messages(restarted.history(new Requests.History("general", null, null, null))))
                .containsExactly("one", "two");
        assertThat(messages(restarted.history(new Requests.History(null, "bob", null, null))))
                .containsExactly("dm");

        clock.set(600);
        ChatState.Write next = restarted.post(new Requests.Publish("bob", "general", "after", null), stamps);
        assertThat(next.entry().seq()).isEqualTo(4);
        assertThat(restarted.lastClock()).isEqualTo(601);
    }
}
