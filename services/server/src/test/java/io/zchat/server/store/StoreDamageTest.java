package io.zchat.server.store;

import io.zchat.server.log.LogEntry;
import io.zchat.server.log.ReplicationLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Damaged user-facing files are found and never served; a disk that refuses writes is never taken as written. */
class StoreDamageTest {
    private static final Instant T = Instant.parse("2026-03-01T12:00:00.123Z");
    private static final Path DEV_FULL = Path.of("/dev/full");

    @TempDir
    Path dir;

    private void write(int entries) throws IOException {
        try (ViewWriter views = new ViewWriter(ChatStore.open(dir, FsyncPolicy.NEVER))) {
            views.apply(LogEntry.login(1, 1, null, "ana", T, 1));
            views.apply(LogEntry.login(2, 1, null, "bob", T, 2));
            for (long seq = 3; seq <= entries; seq++) {
                views.apply(seq % 3 == 0
                        ? LogEntry.direct(seq, 1, "d" + seq, "ana", "bob", "dm " + seq, T, seq)
                        : LogEntry.post(seq, 1, "p" + seq, "ana", "general", "post " + seq, T, seq));
            }
            views.commit();
        }
    }

    private static void flip(Path file, int offset, int mask) throws IOException {
        byte[] all = Files.readAllBytes(file);
        all[offset < 0 ? all.length + offset : offset] ^= (byte) mask;
        Files.write(file, all);
    }

    private static List<StoredEntry> scan(ChatStore store, boolean posts) {
        List<StoredEntry> out = new ArrayList<>();
        store.scan(posts, out::add);
        return out;
    }

    @Test
    void intactFilesOpenWithoutDamageAndTheirLastSeqs() throws IOException {
        write(30);
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            assertThat(store.damage()).isNull();
            assertThat(store.lastSeq(true)).isEqualTo(29);
            assertThat(store.lastSeq(false)).isEqualTo(30);
            assertThat(store.loadedRegistry().seq()).isEqualTo(2);
            assertThat(Files.readString(dir.resolve(ChatStore.REGISTRY))).matches("(?s).*\"seq\" : 2,\n  \"crc\" : \"[0-9a-f]{8}\"\n}");
        }
    }

    @Test
    void aFlippedBitInALineIsFoundOnOpenAndTheLineIsNeverServed() throws IOException {
        write(30);
        Path posts = dir.resolve(ChatStore.PUBLICATIONS);
        String tenth = Files.readAllLines(posts).get(9);
        flip(posts, Files.readString(posts).indexOf(tenth) + tenth.indexOf("post ") + 2, 0x01);
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            assertThat(store.damage()).contains(ChatStore.PUBLICATIONS).contains("checksum");
            assertThat(store.lastSeq(true)).as("the last seq before the damaged line").isEqualTo(16);
            List<StoredEntry> served = scan(store, true);
            assertThat(served).hasSize(17).allSatisfy(e -> assertThat(e.message()).startsWith("post "));
            assertThat(scan(store, false)).hasSize(10);
        }
    }

    @Test
    void aDamagedRegistryIsNotLoaded() throws IOException {
        write(10);
        flip(dir.resolve(ChatStore.REGISTRY), 20, 0x02);
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            assertThat(store.damage()).contains(ChatStore.REGISTRY);
            assertThat(store.loadedRegistry()).isNull();
        }
    }

    @Test
    void aLineDamagedWhileOpenIsSkippedOnReadAndReported() throws IOException {
        write(12);
        try (ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER)) {
            assertThat(store.damage()).isNull();
            flip(dir.resolve(ChatStore.MESSAGES), -5, 0x08);
            assertThat(scan(store, false)).extracting(StoredEntry::seq).containsExactly(3L, 6L, 9L);
            assertThat(store.damage()).contains(ChatStore.MESSAGES);
        }
    }

    @Test
    void aRebuildEmptiesTheFilesAndTheViewsAreWrittenAgainIdentical() throws IOException {
        write(30);
        byte[] posts = Files.readAllBytes(dir.resolve(ChatStore.PUBLICATIONS));
        byte[] registry = Files.readAllBytes(dir.resolve(ChatStore.REGISTRY));
        flip(dir.resolve(ChatStore.PUBLICATIONS), 30, 0x01);
        Files.delete(dir.resolve(ChatStore.MESSAGES));
        try (ViewWriter views = new ViewWriter(ChatStore.open(dir, FsyncPolicy.NEVER))) {
            assertThat(views.damage()).isNotNull();
            views.rebuild();
            assertThat(views.damage()).isNull();
            assertThat(views.lastDamage()).isNotNull();
            assertThat(views.appliedSeq()).isZero();
            assertThat(Files.size(dir.resolve(ChatStore.PUBLICATIONS))).isZero();
        }
        write(30);
        assertThat(Files.readAllBytes(dir.resolve(ChatStore.PUBLICATIONS))).isEqualTo(posts);
        assertThat(Files.readAllBytes(dir.resolve(ChatStore.REGISTRY))).isEqualTo(registry);
    }

    @Test
    void aLogOnAFullDeviceIsNeverDurableAndKeepsTheGroupForALaterFlush() throws IOException {
        assumeTrue(Files.isWritable(DEV_FULL), "needs /dev/full (Linux)");
        Files.createSymbolicLink(dir.resolve(ReplicationLog.FILE), DEV_FULL);
        try (ReplicationLog log = ReplicationLog.open(dir, FsyncPolicy.BATCH, 16, e -> { })) {
            log.append(LogEntry.login(1, 1, "l", "ana", T, 1));
            assertThatThrownBy(log::flush).isInstanceOf(IOException.class).hasMessageContaining("space");
            assertThat(log.durableSeq()).isZero();
            assertThat(log.read(0, 10, Integer.MAX_VALUE)).as("nothing durable is handed out").isEmpty();
            assertThatThrownBy(log::flush).as("the group is written again, and fails again")
                    .isInstanceOf(IOException.class);
            assertThat(log.durableSeq()).isZero();
        } catch (IOException e) {
            // close flushes too, and fails the same way: nothing more to check
            assertThat(e).hasMessageContaining("space");
        }
    }

    @Test
    void viewsOnAFullDeviceKeepWhatTheyCouldNotWrite() throws IOException {
        assumeTrue(Files.isWritable(DEV_FULL), "needs /dev/full (Linux)");
        Files.createSymbolicLink(dir.resolve(ChatStore.PUBLICATIONS), DEV_FULL);
        ChatStore store = ChatStore.open(dir, FsyncPolicy.NEVER);
        ViewWriter views = new ViewWriter(store);
        views.apply(LogEntry.post(1, 1, "p", "ana", "general", "hi", T, 1));
        assertThatThrownBy(views::commit).isInstanceOf(IOException.class);
        assertThat(views.hasPending()).isTrue();
        assertThatThrownBy(views::commit).isInstanceOf(IOException.class);
        assertThat(views.hasPending()).isTrue();
    }
}
