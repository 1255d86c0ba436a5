package io.zchat.server.state;

import io.zchat.server.log.LogEntry;
import io.zchat.server.store.RegistrySnapshot;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** registry.json's content, built from committed login and channel entries (formerly kept by ChatState). */
class RegistryViewTest {
    private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

    private static LogEntry login(long seq, String user, Instant at) {
        return LogEntry.login(seq, 1, "l-" + seq, user, at, seq);
    }

    private static LogEntry channel(long seq, String name) {
        return LogEntry.channel(seq, 1, "c-" + seq, name, T, seq);
    }

    @Test
    void aFreshRegistryHasTheGeneralChannelAndSeqZero() {
        RegistryView view = new RegistryView(null);
        assertThat(view.seq()).isZero();
        assertThat(view.snapshot()).isEqualTo(new RegistrySnapshot(List.of(), List.of("general"), 0));
    }

    @Test
    void aLoginRegistersTheUserWithItsTimeAndTheSeq() {
        RegistryView view = new RegistryView(null);
        assertThat(view.apply(login(3, "ana", T))).isTrue();
        assertThat(view.seq()).isEqualTo(3);
        assertThat(view.snapshot()).isEqualTo(new RegistrySnapshot(
                List.of(new RegistrySnapshot.User("ana", 1, List.of(T))), List.of("general"), 3));
    }

    @Test
    void aReLoginIsCounted() {
        RegistryView view = new RegistryView(null);
        view.apply(login(1, "ana", T));
        view.apply(login(2, "bob", T.plusSeconds(1)));
        view.apply(login(3, "ana", T.plusSeconds(5)));
        assertThat(view.snapshot().users()).containsExactly(
                new RegistrySnapshot.User("ana", 2, List.of(T, T.plusSeconds(5))),
                new RegistrySnapshot.User("bob", 1, List.of(T.plusSeconds(1))));
    }

    @Test
    void onlyTheLatest20LoginTimesAreKept() {
        RegistryView view = new RegistryView(null);
        for (int i = 0; i < 25; i++) {
            view.apply(login(i + 1, "ana", T.plusSeconds(i)));
        }
        RegistrySnapshot.User ana = view.snapshot().users().get(0);
        assertThat(ana.loginCount()).isEqualTo(25);
        assertThat(ana.logins()).hasSize(20).startsWith(T.plusSeconds(5)).endsWith(T.plusSeconds(24));
    }

    @Test
    void channelsAreAddedInOrder() {
        RegistryView view = new RegistryView(null);
        assertThat(view.apply(channel(1, "dev"))).isTrue();
        assertThat(view.apply(channel(2, "ops"))).isTrue();
        assertThat(view.snapshot()).isEqualTo(new RegistrySnapshot(List.of(), List.of("general", "dev", "ops"), 2));
    }

    @Test
    void postsAndDirectMessagesDoNotChangeTheRegistry() {
        RegistryView view = new RegistryView(null);
        view.apply(login(1, "ana", T));
        RegistrySnapshot before = view.snapshot();
        assertThat(view.apply(LogEntry.post(2, 1, null, "ana", "general", "hi", T, 2))).isFalse();
        assertThat(view.apply(LogEntry.direct(3, 1, null, "ana", "ana", "hi", T, 3))).isFalse();
        assertThat(view.seq()).isEqualTo(1);
        assertThat(view.snapshot()).isEqualTo(before);
    }

    @Test
    void anEntryTheRegistryAlreadyReflectsIsNotAppliedAgain() {
        RegistryView view = new RegistryView(null);
        LogEntry first = login(1, "ana", T);
        LogEntry second = channel(2, "dev");
        view.apply(first);
        view.apply(second);
        RegistrySnapshot once = view.snapshot();

        assertThat(view.apply(first)).isFalse();
        assertThat(view.apply(second)).isFalse();
        assertThat(view.snapshot()).isEqualTo(once);
        assertThat(once.users().get(0).loginCount()).isEqualTo(1);
    }

    @Test
    void aLoadedRegistryKeepsItsContentAndSkipsWhatItAlreadyHas() {
        RegistrySnapshot loaded = new RegistrySnapshot(
                List.of(new RegistrySnapshot.User("ana", 3, List.of(T))), List.of("general", "dev"), 7);
        RegistryView view = new RegistryView(loaded);
        assertThat(view.seq()).isEqualTo(7);
        assertThat(view.snapshot()).isEqualTo(loaded);

        assertThat(view.apply(login(5, "ana", T.plusSeconds(9)))).as("seq 5 is already in").isFalse();
        assertThat(view.apply(login(8, "ana", T.plusSeconds(1)))).isTrue();
        assertThat(view.snapshot()).isEqualTo(new RegistrySnapshot(
                List.of(new RegistrySnapshot.User("ana", 4, List.of(T, T.plusSeconds(1)))),
                List.of("general", "dev"), 8));
    }

    @Test
    void theSnapshotIsACopy() {
        RegistryView view = new RegistryView(null);
        view.apply(login(1, "ana", T));
        RegistrySnapshot before = view.snapshot();
        view.apply(login(2, "ana", T.plusSeconds(1)));
        view.apply(channel(3, "dev"));
        assertThat(before).isEqualTo(new RegistrySnapshot(
                List.of(new RegistrySnapshot.User("ana", 1, List.of(T))), List.of("general"), 1));
    }
}
