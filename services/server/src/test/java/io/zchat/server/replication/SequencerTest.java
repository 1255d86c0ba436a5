package io.zchat.server.replication;

import io.zchat.server.log.LogEntry;
import io.zchat.server.log.Op;
import io.zchat.server.state.AppliedIds;
import io.zchat.server.state.ChatState;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.clock.LamportClock;
import io.zchat.shared.clock.PhysicalClock;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SequencerTest {
    private static final Instant T = Instant.parse("2026-03-01T12:00:00.250Z");

    private final AppliedIds ids = new AppliedIds();
    private final ChatState state = new ChatState((posts, sink) -> { }, ids, 1 << 20);
    private final LamportClock lamport = new LamportClock(40);
    private final Clocks clocks = new Clocks(lamport, new PhysicalClock(Clock.fixed(T, ZoneOffset.UTC), 0, 0));

    private Sequencer.Decision order(long term, Service service, Object request, String id) {
        return Sequencer.order(state, clocks, term, service, request, id);
    }

    /** Orders and applies (what the coordinator does with an accepted write). */
    private LogEntry accept(long term, Service service, Object request, String id) {
        Sequencer.Decision d = order(term, service, request, id);
        assertThat(d.refusal()).as("refused: %s", d.refusal()).isNull();
        assertThat(d.entry()).isNotNull();
        state.apply(ids.record(d.entry()));
        return d.entry();
    }

    private void refused(Sequencer.Decision d, Object reply) {
        assertThat(d.entry()).isNull();
        assertThat(d.existingSeq()).isZero();
        assertThat(d.refusal()).isEqualTo(reply);
    }

    @Test
    void aValidWriteBecomesTheNextEntryWithTheCurrentTermAndARisingClock() {
        LogEntry login = accept(2, Service.LOGIN, new Requests.Login("ana", "a1"), "a1");
        assertThat(login).isEqualTo(LogEntry.login(1, 2, "a1", "ana", T, 41));

        LogEntry channel = accept(2, Service.CHANNEL, new Requests.Channel("dev", null), null);
        assertThat(channel).isEqualTo(LogEntry.channel(2, 2, null, "dev", T, 42));

        LogEntry post = accept(3, Service.PUBLISH, new Requests.Publish("ana", "dev", "hi", "p1"), "p1");
        assertThat(post).isEqualTo(LogEntry.post(3, 3, "p1", "ana", "dev", "hi", T, 43));

        LogEntry dm = accept(3, Service.MESSAGE, new Requests.Message("ana", "ana", "note", "m1"), "m1");
        assertThat(dm).isEqualTo(LogEntry.direct(4, 3, "m1", "ana", "ana", "note", T, 44));

        assertThat(lamport.current()).isEqualTo(44);
        assertThat(state.lastSeq()).isEqualTo(4);
        assertThat(post.op()).isEqualTo(Op.PUBLISH);
    }

    @Test
    void theClockRisesAboveWhatWasReceived() {
        accept(1, Service.LOGIN, new Requests.Login("ana", null), null);
        lamport.receive(500);
        LogEntry next = accept(1, Service.PUBLISH, new Requests.Publish("ana", "general", "x", null), null);
        assertThat(next.clock()).isGreaterThan(500);
    }

    @Test
    void orderingDoesNotApply() {
        accept(1, Service.LOGIN, new Requests.Login("ana", null), null);
        Sequencer.Decision d = order(1, Service.PUBLISH, new Requests.Publish("ana", "general", "x", "p"), "p");
        assertThat(d.entry().seq()).isEqualTo(2);
        assertThat(state.lastSeq()).isEqualTo(1);
        assertThat(state.seqOf("p")).isEmpty();
    }

    @Test
    void aRefusedLoginOrChannelHasItsTextInDescriptionAndMakesNoEntry() {
        refused(order(1, Service.LOGIN, new Requests.Login("general", null), null),
                Replies.Status.error("'general' is a channel name"));
        refused(order(1, Service.LOGIN, new Requests.Login("", null), null),
                Replies.Status.error("user name is missing"));
        refused(order(1, Service.CHANNEL, new Requests.Channel("general", null), null),
                Replies.Status.error("channel 'general' already exists"));
        Sequencer.Decision bad = order(1, Service.CHANNEL, new Requests.Channel("a b", "c"), "c");
        assertThat(bad.entry()).isNull();
        Replies.Status status = (Replies.Status) bad.refusal();
        assertThat(status.status()).isEqualTo("erro");
        assertThat(status.description()).contains("whitespace");
        assertThat(lamport.current()).as("no clock tick for a refusal").isEqualTo(40);
        assertThat(state.lastSeq()).isZero();
        assertThat(state.seqOf("c")).isEmpty();
    }

    @Test
    void aRefusedPublishOrMessageHasItsTextInMessageAndMakesNoEntry() {
        accept(1, Service.LOGIN, new Requests.Login("ana", null), null);
        long clock = lamport.current();
        refused(order(1, Service.PUBLISH, new Requests.Publish("ana", "nowhere", "hi", null), null),
                Replies.Ack.error("unknown channel 'nowhere'"));
        refused(order(1, Service.PUBLISH, new Requests.Publish("zed", "general", "hi", null), null),
                Replies.Ack.error("unknown user 'zed' (log in first)"));
        refused(order(1, Service.MESSAGE, new Requests.Message("ana", "zed", "hi", null), null),
                Replies.Ack.error("unknown user 'zed' (log in first)"));
        refused(order(1, Service.MESSAGE, new Requests.Message("ana", "ana", "", null), null),
                Replies.Ack.error("message is empty"));
        Replies.Ack ack = (Replies.Ack) order(1, Service.PUBLISH,
                new Requests.Publish("ana", "general", null, null), null).refusal();
        assertThat(ack.status()).isEqualTo("erro");
        assertThat(ack.message()).isNotBlank();
        assertThat(lamport.current()).isEqualTo(clock);
        assertThat(state.lastSeq()).isEqualTo(1);
    }

    @Test
    void aRetriedIdGetsTheExistingSeqAndNoNewEntry() {
        accept(1, Service.LOGIN, new Requests.Login("ana", "l"), "l");
        LogEntry post = accept(1, Service.PUBLISH, new Requests.Publish("ana", "general", "once", "p-7"), "p-7");
        accept(1, Service.PUBLISH, new Requests.Publish("ana", "general", "later", null), null);
        long clock = lamport.current();

        Sequencer.Decision retry = order(2, Service.PUBLISH,
                new Requests.Publish("ana", "general", "once", "p-7"), "p-7");
        assertThat(retry.entry()).isNull();
        assertThat(retry.refusal()).isNull();
        assertThat(retry.existingSeq()).isEqualTo(post.seq()).isEqualTo(2);
        assertThat(lamport.current()).isEqualTo(clock);
        assertThat(state.lastSeq()).isEqualTo(3);
    }

    @Test
    void aRetryIsAnsweredAsBeforeEvenWhenTheWriteWouldNowBeRefused() {
        LogEntry created = accept(1, Service.CHANNEL, new Requests.Channel("dev", "c-1"), "c-1");
        Sequencer.Decision retry = order(1, Service.CHANNEL, new Requests.Channel("dev", "c-1"), "c-1");
        assertThat(retry.refusal()).as("not 'already exists'").isNull();
        assertThat(retry.entry()).isNull();
        assertThat(retry.existingSeq()).isEqualTo(created.seq());
        // without the id it is a new request, and refused
        assertThat(order(1, Service.CHANNEL, new Requests.Channel("dev", null), null).refusal())
                .isEqualTo(Replies.Status.error("channel 'dev' already exists"));
    }

    @Test
    void writesWithoutAnIdAreNeverTakenForRetries() {
        accept(1, Service.LOGIN, new Requests.Login("ana", null), null);
        LogEntry again = accept(1, Service.LOGIN, new Requests.Login("ana", null), null);
        assertThat(again.seq()).isEqualTo(2);
        LogEntry empty = accept(1, Service.LOGIN, new Requests.Login("ana", ""), "");
        assertThat(empty.seq()).isEqualTo(3);
        assertThat(accept(1, Service.LOGIN, new Requests.Login("ana", ""), "").seq()).isEqualTo(4);
    }

    @Test
    void onlyWritesAreOrdered() {
        assertThatThrownBy(() -> order(1, Service.HISTORY, new Requests.History("general", null, null, null), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Sequencer.requestType(Service.LOGIN)).isEqualTo(Requests.Login.class);
        assertThat(Sequencer.requestType(Service.CHANNEL)).isEqualTo(Requests.Channel.class);
        assertThat(Sequencer.requestType(Service.PUBLISH)).isEqualTo(Requests.Publish.class);
        assertThat(Sequencer.requestType(Service.MESSAGE)).isEqualTo(Requests.Message.class);
        assertThatThrownBy(() -> Sequencer.requestType(Service.USERS)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTermStartIsTheNextEntryStampedLikeAWrite() {
        accept(2, Service.LOGIN, new Requests.Login("ana", "a1"), "a1");
        LogEntry start = Sequencer.termStart(state, clocks, 5);
        assertThat(start).isEqualTo(LogEntry.termStart(2, 5, T, 42));
        state.apply(start);
        LogEntry post = accept(5, Service.PUBLISH, new Requests.Publish("ana", "general", "hi", "p1"), "p1");
        assertThat(post.seq()).isEqualTo(3);
    }
}
