package io.zchat.server.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChatStoreTest {
    private static final Instant T = Instant.parse("2026-03-01T12:00:00.123Z");

    @TempDir
    Path dir;

    private static StoredEntry post(long seq, String message) {
        return StoredEntry.post(seq, "id-" + seq, "ana", "general", message, T.plusMillis(seq), 10 + seq);
    }

    private static StoredEntry direct(long seq, String message) {
        return StoredEntry.direct(seq, null, "ana", "bob", message, T.plusMillis(seq), 10 + seq);
    }

    /** Every stored entry: all posts, then all direct messages, each in file order. */
    private static List<StoredEntry> replay(ChatStore store) {
        List<StoredEntry> out = new ArrayList<>();
        store.scan(true, out::add);
        store.scan(false, out::add);
        return out;
    }

    @Test
    void committedEntriesGoToTheirFileAndAreReplayed() throws IOException {
        StoredEntry p1 = post(1, "hello");
        StoredEntry d2 = direct(2, "psst, olá");
        StoredEntry p3 = post(3, "again");
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.BATCH)) {
            store.append(p1);
            store.append(d2);
            store.append(p3);
            store.commit();
        }
        assertThat(Files.readAllLines(dir.resolve(ChatStore.PUBLICATIONS))).hasSize(2)
                .allSatisfy(line -> assertThat(line).contains("\"channel\":\"general\"").doesNotContain("\"src\""));
        assertThat(Files.readAllLines(dir.resolve(ChatStore.MESSAGES))).hasSize(1)
                .allSatisfy(line -> assertThat(line).contains("\"dst\":\"bob\"").doesNotContain("\"channel\""));

        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            assertThat(replay(store)).containsExactly(p1, p3, d2);
            List<StoredEntry> posts = new ArrayList<>();
            store.scan(true, posts::add);
            assertThat(posts).containsExactly(p1, p3);
            List<StoredEntry> directs = new ArrayList<>();
            store.scan(false, directs::add);
            assertThat(directs).containsExactly(d2);
        }
    }

    @Test
    void freshDirectoryHasNoRegistry() throws IOException {
        try (ChatStore store = ChatStore.open(dir.resolve("new/sub"), FsyncPolicy.NEVER)) {
            assertThat(store.loadedRegistry()).isNull();
            assertThat(replay(store)).isEmpty();
        }
    }

    @Test
    void stagedRegistryIsWrittenOnCommitAndReadBack() throws IOException {
        RegistrySnapshot registry = new RegistrySnapshot(
                List.of(new RegistrySnapshot.User("ana", 2, List.of(T, T.plusSeconds(60))),
                        new RegistrySnapshot.User("bob", 1, List.of(T.plusSeconds(5)))),
                List.of("general", "dev"));
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.BATCH)) {
            store.stageRegistry(registry);
            store.commit();
        }
        assertThat(dir.resolve(ChatStore.REGISTRY)).exists();
        assertThat(dir.resolve(ChatStore.REGISTRY + ".tmp")).doesNotExist();
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.BATCH)) {
            assertThat(store.loadedRegistry()).isEqualTo(registry);
        }
    }

    @Test
    void aLaterCommitReplacesTheRegistryAndACommitWithoutStagingKeepsIt() throws IOException {
        RegistrySnapshot first = new RegistrySnapshot(List.of(), List.of("general"));
        RegistrySnapshot second = new RegistrySnapshot(List.of(), List.of("general", "dev"));
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            store.stageRegistry(first);
            store.commit();
            store.stageRegistry(second);
            store.commit();
            store.append(post(1, "x"));
            store.commit();
        }
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            assertThat(store.loadedRegistry()).isEqualTo(second);
        }
    }

    @Test
    void anUnreadableLineIsSkippedAndTheOthersAreReplayed() throws IOException {
        StoredEntry p1 = post(1, "one");
        StoredEntry p3 = post(3, "three");
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            store.append(p1);
            store.commit();
        }
        Files.writeString(dir.resolve(ChatStore.PUBLICATIONS), "{this is not json}\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            store.append(p3);
            store.commit();
        }
        assertThat(Files.readAllLines(dir.resolve(ChatStore.PUBLICATIONS))).hasSize(3);
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            assertThat(replay(store)).containsExactly(p1, p3);
        }
    }

    @Test
    void aLineWithAnInvalidTimestampIsSkippedToo() throws IOException {
        StoredEntry d1 = direct(1, "one");
        Files.writeString(dir.resolve(ChatStore.MESSAGES),
                "{\"seq\":9,\"src\":\"ana\",\"dst\":\"bob\",\"message\":\"m\",\"timestamp\":\"yesterday\",\"clock\":3}\n");
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            store.append(d1);
            store.commit();
            assertThat(replay(store)).containsExactly(d1);
        }
    }

    @Test
    void aLineThatIsJsonButNotAnEntryIsSkipped() throws IOException {
        StoredEntry d1 = direct(1, "one");
        Files.writeString(dir.resolve(ChatStore.MESSAGES), "null\n{}\n{\"seq\":7}\n");
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            store.append(d1);
            store.commit();
            assertThat(replay(store)).containsExactly(d1);
        }
    }

    @Test
    void nothingStagedReachesTheFilesBeforeCommit() throws IOException {
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.BATCH)) {
            store.append(post(1, "p"));
            store.append(direct(2, "d"));
            store.stageRegistry(RegistrySnapshot.empty());

            assertThat(Files.size(dir.resolve(ChatStore.PUBLICATIONS))).isZero();
            assertThat(Files.size(dir.resolve(ChatStore.MESSAGES))).isZero();
            assertThat(dir.resolve(ChatStore.REGISTRY)).doesNotExist();
            assertThat(replay(store)).isEmpty();

            store.commit();

            assertThat(replay(store)).hasSize(2);
            assertThat(dir.resolve(ChatStore.REGISTRY)).exists();
        }
    }

    @Test
    void aTornTailIsCutWhenTheStoreOpens() throws IOException {
        StoredEntry p1 = post(1, "kept");
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.BATCH)) {
            store.append(p1);
            store.commit();
        }
        Files.writeString(dir.resolve(ChatStore.PUBLICATIONS), "{\"seq\":2,\"id\":\"id-2\",\"us",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        StoredEntry p2 = post(2, "after the crash");
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.BATCH)) {
            store.append(p2);
            store.commit();
            assertThat(replay(store)).containsExactly(p1, p2);
        }
        assertThat(Files.readAllLines(dir.resolve(ChatStore.PUBLICATIONS))).hasSize(2);
    }

    @Test
    void lastSeqIsTheSeqOfTheLastLineOfEachFileFoundOnOpen() throws IOException {
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            assertThat(store.lastSeq(true)).isZero();
            assertThat(store.lastSeq(false)).isZero();
            store.append(post(1, "p"));
            store.append(direct(2, "d"));
            store.append(post(3, "p"));
            store.commit();
            assertThat(store.lastSeq(true)).as("what was found on open").isZero();
        }
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            assertThat(store.lastSeq(true)).isEqualTo(3);
            assertThat(store.lastSeq(false)).isEqualTo(2);
            store.append(direct(4, "a longer direct message, ol\u00e1"));
            store.commit();
        }
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            assertThat(store.lastSeq(true)).isEqualTo(3);
            assertThat(store.lastSeq(false)).isEqualTo(4);
        }
    }

    @Test
    void lastSeqIgnoresATornTail() throws IOException {
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            store.append(post(1, "kept"));
            store.commit();
        }
        Files.writeString(dir.resolve(ChatStore.PUBLICATIONS), "{\"seq\":2,\"id\":\"id-2\",\"us",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            assertThat(store.lastSeq(true)).isEqualTo(1);
        }
    }

    @Test
    void theRegistryKeepsItsSeq() throws IOException {
        RegistrySnapshot registry = new RegistrySnapshot(
                List.of(new RegistrySnapshot.User("ana", 1, List.of(T))), List.of("general"), 42);
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            store.stageRegistry(registry);
            store.commit();
        }
        assertThat(Files.readString(dir.resolve(ChatStore.REGISTRY))).contains("\"seq\" : 42");
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            assertThat(store.loadedRegistry()).isEqualTo(registry);
            assertThat(store.loadedRegistry().seq()).isEqualTo(42);
        }
    }
}
