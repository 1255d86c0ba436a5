package io.zchat.server.state;

import io.zchat.server.log.LogEntry;
import io.zchat.server.replication.Sequencer;
import io.zchat.server.store.StoredEntry;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.clock.LamportClock;
import io.zchat.shared.clock.ManualClock;
import io.zchat.shared.clock.PhysicalClock;
import io.zchat.shared.wire.HistoryEntry;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.Stamp;
import io.zchat.shared.wire.WireCodec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat state as the coordinator drives it: {@link Sequencer#order} checks a write against the
 * state and makes the next log entry, which is then applied (as every server applies it).
 */
class ChatStateTest {
    private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");
    private static final long TERM = 3;

    /** Every applied post and direct message, as the views on disk would hold them. */
    private final List<StoredEntry> disk = new ArrayList<>();
    private final AtomicInteger diskScans = new AtomicInteger();
    private final BiConsumer<Boolean, Consumer<StoredEntry>> scan = (posts, sink) -> {
        diskScans.incrementAndGet();
        disk.stream().filter(e -> e.isPost() == posts).forEach(sink);
    };
    /** Physical time the clocks read, epoch millis; moved by the tests. */
    private final ManualClock now = new ManualClock(T);
    private final LamportClock lamport = new LamportClock(100);
    private final Clocks clocks = new Clocks(lamport, new PhysicalClock(now, 0, 0));

    private final AppliedIds ids = new AppliedIds();
    /** What a history reply may carry: a 1 MB message size limit less the reply's envelope. */
    private static final long REPLY_BYTES = (1 << 20) - 4096;
    private ChatState state;

    @BeforeEach
    void freshState() {
        state = new ChatState(scan, ids, REPLY_BYTES);
    }

    private Sequencer.Decision write(Service service, Object request, String id) {
        Sequencer.Decision d = Sequencer.order(state, clocks, TERM, service, request, id);
        if (d.entry() != null) {
            state.apply(ids.record(d.entry()));
            if (d.entry().op().service() == Service.PUBLISH || d.entry().op().service() == Service.MESSAGE) {
                disk.add(d.entry().toStored());
            }
        }
        return d;
    }

    private Sequencer.Decision post(String user, String channel, String message) {
        return write(Service.PUBLISH, new Requests.Publish(user, channel, message, null), null);
    }

    private Sequencer.Decision direct(String src, String dst, String message) {
        return write(Service.MESSAGE, new Requests.Message(src, dst, message, null), null);
    }

    private Sequencer.Decision login(String user, String id) {
        return write(Service.LOGIN, new Requests.Login(user, id), id);
    }

    private Sequencer.Decision channel(String channel, String id) {
        return write(Service.CHANNEL, new Requests.Channel(channel, id), id);
    }

    private void loginAll(String... names) {
        for (String name : names) {
            assertThat(login(name, null).entry()).as("login %s", name).isNotNull();
        }
    }

    private Replies.History history(String channel, String user, Integer limit, Long since) {
        return state.history(new Requests.History(channel, user, limit, since));
    }

    private static List<String> messages(Replies.History h) {
        assertThat(h.status()).as("history error: %s", h.description()).isNull();
        return h.messages().stream().map(HistoryEntry::message).toList();
    }

    /** A refused publish or message: the text is in {@code message}, and nothing was ordered. */
    private static void assertRejected(Sequencer.Decision d, String... words) {
        assertThat(d.entry()).isNull();
        assertThat(d.existingSeq()).isZero();
        Replies.Ack ack = (Replies.Ack) d.refusal();
        assertThat(ack.status()).isEqualTo("erro");
        assertThat(ack.message()).contains(words);
    }

    /** A refused login or channel: the text is in {@code description}, and nothing was ordered. */
    private static void assertError(Sequencer.Decision d, String... words) {
        assertThat(d.entry()).isNull();
        assertThat(d.existingSeq()).isZero();
        Replies.Status s = (Replies.Status) d.refusal();
        assertThat(s.status()).isEqualTo("erro");
        assertThat(s.description()).contains(words);
    }

    // --- fresh state ---

    @Test
    void freshStateHasOnlyTheGeneralChannel() {
        assertThat(state.channels()).containsExactly("general");
        assertThat(state.users()).isEmpty();
        assertThat(state.lastSeq()).isZero();
        assertThat(state.lastClock()).isZero();
        assertThat(state.seqOf("anything")).isEmpty();
        assertThat(state.seqOf(null)).isEmpty();
    }

    // --- login ---

    @Test
    void loginRegistersTheUserAndRemembersItsId() {
        Sequencer.Decision d = login("ana", "req-1");
        assertThat(d.refusal()).isNull();
        assertThat(d.entry()).isEqualTo(LogEntry.login(1, TERM, "req-1", "ana", T, 101));
        assertThat(state.users()).containsExactly("ana");
        assertThat(state.lastSeq()).isEqualTo(1);
        assertThat(state.seqOf("req-1")).hasValue(1L);
        assertThat(state.loginProblem("ana")).isEmpty();
    }

    @Test
    void loginValidatesTheName() {
        assertError(login("", null), "missing");
        assertError(login(null, null), "missing");
        assertError(login("ana maria", null), "whitespace");
        assertError(login("x".repeat(65), null), "longer");
        assertError(login("servers", null), "reserved");
        assertThat(state.users()).isEmpty();
        assertThat(state.lastSeq()).isZero();
        assertThat(lamport.current()).as("no stamp taken for a refusal").isEqualTo(100);
    }

    @Test
    void loginRefusesAChannelName() {
        assertError(login("general", null), "general", "channel");
        channel("dev", null);
        assertError(login("dev", null), "dev", "channel");
        assertThat(state.users()).isEmpty();
    }

    @Test
    void reLoginIsAcceptedAsANewEntryButTheUserIsListedOnce() {
        login("ana", null);
        now.set(T.plusSeconds(5));
        Sequencer.Decision again = login("ana", null);
        assertThat(again.entry()).isEqualTo(LogEntry.login(2, TERM, null, "ana", T.plusSeconds(5), 102));
        assertThat(state.users()).containsExactly("ana");
        assertThat(state.lastSeq()).isEqualTo(2);
    }

    // --- channels ---

    @Test
    void createChannelAddsItInOrder() {
        Sequencer.Decision dev = channel("dev", "c-1");
        assertThat(dev.entry()).isEqualTo(LogEntry.channel(1, TERM, "c-1", "dev", T, 101));
        assertThat(channel("ops", null).entry()).isNotNull();
        assertThat(state.channels()).containsExactly("general", "dev", "ops");
        assertThat(state.seqOf("c-1")).hasValue(1L);
    }

    @Test
    void createChannelRefusesDuplicates() {
        channel("dev", null);
        assertError(channel("dev", null), "dev", "exists");
        assertError(channel("general", null), "general", "exists");
        assertThat(state.channels()).containsExactly("general", "dev");
        assertThat(state.lastSeq()).isEqualTo(1);
    }

    @Test
    void createChannelRefusesAUserName() {
        loginAll("ana");
        assertError(channel("ana", null), "ana", "user");
        assertThat(state.channels()).containsExactly("general");
    }

    @Test
    void createChannelRefusesInvalidAndReservedNames() {
        assertError(channel("", null), "channel", "missing");
        assertError(channel("a\tb", null), "whitespace");
        assertError(channel("a\u200bb", null), "control");
        assertError(channel("c".repeat(65), null), "longer");
        assertError(channel("replica", null), "reserved");
        assertError(channel("Servers", null), "reserved");
        assertThat(state.channels()).containsExactly("general");
        assertThat(state.lastSeq()).isZero();
    }

    // --- posts and direct messages ---

    @Test
    void postRefusesUnknownUserAndUnknownChannel() {
        loginAll("ana");
        long clockBefore = lamport.current();
        assertRejected(post("bob", "general", "hi"), "unknown user", "bob");
        assertRejected(post("ana", "nowhere", "hi"), "unknown channel", "nowhere");
        assertThat(state.lastSeq()).isEqualTo(1);
        assertThat(lamport.current()).as("no stamp taken for a refusal").isEqualTo(clockBefore);
    }

    @Test
    void postRefusesEmptyAndOverLongMessages() {
        loginAll("ana");
        assertRejected(post("ana", "general", ""), "empty");
        assertRejected(post("ana", "general", null), "empty");
        assertRejected(post("ana", "general", "x".repeat(ChatState.MAX_MESSAGE_LENGTH + 1)), "longer");
        assertThat(post("ana", "general", "x".repeat(ChatState.MAX_MESSAGE_LENGTH)).entry()).isNotNull();
    }

    @Test
    void messageLengthCountsCodePointsNotChars() {
        loginAll("ana");
        String emoji = "\uD83D\uDE00"; // one code point, two chars
        assertThat(post("ana", "general", emoji.repeat(ChatState.MAX_MESSAGE_LENGTH)).entry()).isNotNull();
        assertRejected(post("ana", "general", emoji.repeat(ChatState.MAX_MESSAGE_LENGTH + 1)), "longer");
    }

    @Test
    void acceptedPostsGetIncreasingSeqAndTheStamp() {
        loginAll("ana"); // seq 1, clock 101
        Sequencer.Decision first = write(Service.PUBLISH, new Requests.Publish("ana", "general", "hello", "p-1"),
                "p-1");
        now.set(T.plusMillis(7));
        Sequencer.Decision second = post("ana", "general", "again");

        assertThat(first.refusal()).isNull();
        assertThat(first.entry()).isEqualTo(LogEntry.post(2, TERM, "p-1", "ana", "general", "hello", T, 102));
        assertThat(first.entry().toStored()).isEqualTo(
                StoredEntry.post(2, "p-1", "ana", "general", "hello", T, 102));
        assertThat(second.entry().seq()).isEqualTo(3);
        assertThat(second.entry().timestamp()).isEqualTo(T.plusMillis(7));
        assertThat(second.entry().clock()).isGreaterThan(first.entry().clock());
        assertThat(state.lastSeq()).isEqualTo(3);
        assertThat(state.lastClock()).isEqualTo(103);
        assertThat(state.seqOf("p-1")).hasValue(2L);
        assertThat(state.seqOf("never-seen")).isEmpty();
    }

    @Test
    void directRefusesUnknownSourceOrDestination() {
        loginAll("ana");
        assertRejected(direct("zed", "ana", "hi"), "unknown user", "zed");
        assertRejected(direct("ana", "zed", "hi"), "unknown user", "zed");
        assertRejected(direct("ana", "general", "hi"), "unknown user", "general");
        assertRejected(direct("ana", "ana", ""), "empty");
        assertThat(state.lastSeq()).isEqualTo(1);
    }

    @Test
    void allWritesShareOneSequence() {
        loginAll("ana", "bob"); // 1, 2
        Sequencer.Decision p = post("ana", "general", "p");
        Sequencer.Decision d = direct("ana", "bob", "d");
        Sequencer.Decision c = channel("dev", null);
        assertThat(p.entry().seq()).isEqualTo(3);
        assertThat(d.entry()).isEqualTo(LogEntry.direct(4, TERM, null, "ana", "bob", "d", T, 104));
        assertThat(d.entry().toStored().isPost()).isFalse();
        assertThat(c.entry().seq()).isEqualTo(5);
    }

    // --- applying entries ordered elsewhere ---

    @Test
    void applyingEntriesFromTheCoordinatorRestoresSequenceClockHistoryAndIds() {
        ChatState follower = new ChatState(scan, ids, REPLY_BYTES);
        follower.apply(ids.record(LogEntry.login(1, 1, "l-1", "ana", T, 400)));
        follower.apply(ids.record(LogEntry.login(2, 1, null, "bob", T, 401)));
        follower.apply(ids.record(LogEntry.channel(3, 1, "c-3", "dev", T, 402)));
        follower.apply(ids.record(LogEntry.post(4, 2, "p-4", "ana", "general", "one", T, 500)));
        follower.apply(ids.record(LogEntry.post(5, 2, null, "ana", "dev", "two", T, 510)));
        follower.apply(ids.record(LogEntry.direct(6, 2, "d-6", "ana", "bob", "dm", T, 505)));

        assertThat(follower.users()).containsExactly("ana", "bob");
        assertThat(follower.channels()).containsExactly("general", "dev");
        assertThat(follower.lastSeq()).isEqualTo(6);
        assertThat(follower.lastClock()).as("the highest clock, not the last").isEqualTo(510);
        assertThat(follower.seqOf("l-1")).hasValue(1L);
        assertThat(follower.seqOf("c-3")).hasValue(3L);
        assertThat(follower.seqOf("p-4")).hasValue(4L);
        assertThat(follower.seqOf("d-6")).hasValue(6L);
        assertThat(messages(follower.history(new Requests.History("general", null, null, null))))
                .containsExactly("one");
        assertThat(messages(follower.history(new Requests.History("dev", null, null, null))))
                .containsExactly("two");
        assertThat(messages(follower.history(new Requests.History(null, "bob", null, null))))
                .containsExactly("dm");

        // the next write ordered on this state continues the sequence
        Sequencer.Decision next = Sequencer.order(follower, clocks, 4, Service.PUBLISH,
                new Requests.Publish("bob", "general", "after", null), null);
        assertThat(next.entry().seq()).isEqualTo(7);
        assertThat(next.entry().term()).isEqualTo(4);
    }

    @Test
    void rebuildForgetsWhatWasCutAndReappliesTheRest() {
        List<LogEntry> log = new ArrayList<>(List.of(
                LogEntry.login(1, 1, "l-1", "ana", T, 10),
                LogEntry.channel(2, 1, "c-2", "dev", T, 11),
                LogEntry.post(3, 1, "p-3", "ana", "dev", "kept", T, 12),
                LogEntry.login(4, 2, "l-4", "bob", T, 20),
                LogEntry.channel(5, 2, "c-5", "ops", T, 21),
                LogEntry.post(6, 2, "p-6", "ana", "dev", "cut", T, 22)));
        log.forEach(entry -> state.apply(ids.record(entry)));
        assertThat(state.lastSeq()).isEqualTo(6);

        List<LogEntry> kept = log.subList(0, 3);
        state.rebuild(sink -> kept.forEach(sink));

        assertThat(state.users()).containsExactly("ana");
        assertThat(state.channels()).containsExactly("general", "dev");
        assertThat(state.lastSeq()).isEqualTo(3);
        assertThat(state.lastClock()).isEqualTo(12);
        assertThat(state.seqOf("p-3")).hasValue(3L);
        assertThat(state.seqOf("l-4")).isEmpty();
        assertThat(state.seqOf("p-6")).isEmpty();
        assertThat(messages(history("dev", null, null, null))).containsExactly("kept");
        assertThat(history(null, "bob", null, null).status()).isEqualTo("erro");
        // the cut channel name is free again
        assertThat(state.channelProblem("ops")).isEmpty();
    }

    @Test
    void rebuildFromNothingGivesAFreshState() {
        loginAll("ana");
        channel("dev", null);
        post("ana", "dev", "x");
        state.rebuild(sink -> { });
        assertThat(state.users()).isEmpty();
        assertThat(state.channels()).containsExactly("general");
        assertThat(state.lastSeq()).isZero();
        assertThat(state.lastClock()).isZero();
    }

    // --- history ---

    @Test
    void aHistoryTooLongForOneReplyIsCutToTheNewestAndPagedOnWithSince() {
        loginAll("ana");
        String body = "\u00e9".repeat(4000); // 8,000 bytes in UTF-8: 300 of them are 2.4 MB
        for (int i = 0; i < 300; i++) {
            assertThat(post("ana", "general", i + " " + body).entry()).isNotNull();
        }
        WireCodec codec = new WireCodec();
        Stamp stamp = new Stamp(T, Long.MAX_VALUE);

        Replies.History latest = history("general", null, 1000, null);
        List<String> newest = messages(latest);
        assertThat(newest).hasSizeBetween(100, 299);
        assertThat(newest.get(newest.size() - 1)).startsWith("299 ");
        assertThat(codec.encode(Service.HISTORY, latest, stamp).length).as("fits a 1 MB message")
                .isLessThanOrEqualTo(1 << 20);

        List<String> paged = new ArrayList<>();
        long since = 0;
        for (int page = 0; page < 10 && paged.size() < 300; page++) {
            Replies.History h = history("general", null, 1000, since);
            assertThat(codec.encode(Service.HISTORY, h, stamp).length).isLessThanOrEqualTo(1 << 20);
            paged.addAll(messages(h));
            since = h.messages().get(h.messages().size() - 1).clock();
        }
        assertThat(paged).hasSize(300);
        for (int i = 0; i < 300; i++) {
            assertThat(paged.get(i)).startsWith(i + " ");
        }
    }

    @Test
    void historyNeedsExactlyOneOfChannelOrUser() {
        loginAll("ana");
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
        loginAll("ana");
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
        loginAll("ana"); // clock 101
        post("ana", "general", "one");
        now.set(T.plusMillis(1));
        post("ana", "general", "two");
        List<HistoryEntry> entries = history("general", null, null, null).messages();
        assertThat(entries).containsExactly(
                new HistoryEntry("ana", "general", null, null, "one", T, 102),
                new HistoryEntry("ana", "general", null, null, "two", T.plusMillis(1), 103));
    }

    @Test
    void historyOfAnEmptyChannelIsEmpty() {
        channel("dev", null);
        assertThat(messages(history("dev", null, null, null))).isEmpty();
    }

    @Test
    void sinceGivesOnlyLaterEntriesTheFirstLimitOfThem() {
        loginAll("ana");
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
        loginAll("ana", "bob", "carol");
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
        loginAll("ana", "bob");
        channel("dev", null);
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
        loginAll("ana", "bob", "carol");
        for (int i = 1; i <= 1005; i++) {
            direct(i % 2 == 0 ? "ana" : "bob", i % 2 == 0 ? "bob" : "ana", "dm" + i);
            if (i == 3) {
                direct("carol", "bob", "not for ana");
            }
        }
        assertThat(messages(history(null, "ana", 3, 0L))).containsExactly("dm1", "dm2", "dm3");
        assertThat(diskScans).hasValue(1);
    }

    @Test
    void aTermStartEntryTakesItsSeqAndChangesNothingElse() {
        loginAll("ana");
        assertThat(post("ana", "general", "one").entry().seq()).isEqualTo(2);
        LogEntry start = LogEntry.termStart(state.lastSeq() + 1, TERM + 1, T, 500);
        state.apply(ids.record(start));
        assertThat(state.lastSeq()).isEqualTo(3);
        assertThat(state.lastClock()).isEqualTo(500);
        assertThat(state.users()).containsExactly("ana");
        assertThat(messages(history("general", null, null, null))).containsExactly("one");
        assertThat(post("ana", "general", "two").entry().seq()).as("the next write follows it").isEqualTo(4);
    }
}
