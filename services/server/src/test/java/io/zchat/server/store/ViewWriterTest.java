package io.zchat.server.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zchat.server.log.LogEntry;
import io.zchat.server.log.Op;
import io.zchat.server.log.ReplicationLog;
import io.zchat.shared.wire.WireCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ViewWriterTest {
    private static final Instant T = Instant.parse("2026-03-01T12:00:00.123Z");
    private static final ObjectMapper JSON = WireCodec.jsonMapper();

    @TempDir
    Path dir;

    /** A log of logins, channels, posts and direct messages, in one order. */
    private static List<LogEntry> log(int n) {
        List<LogEntry> out = new ArrayList<>();
        out.add(LogEntry.login(1, 1, "l-1", "ana", T, 1));
        out.add(LogEntry.login(2, 1, "l-2", "bob", T.plusMillis(2), 2));
        out.add(LogEntry.channel(3, 1, "c-3", "dev", T.plusMillis(3), 3));
        for (long seq = 4; seq <= n; seq++) {
            Instant at = T.plusMillis(seq);
            out.add(switch ((int) (seq % 5)) {
                case 0 -> LogEntry.login(seq, 2, "l-" + seq, seq % 2 == 0 ? "ana" : "carol", at, seq);
                case 1 -> LogEntry.channel(seq, 2, null, "ch" + seq, at, seq);
                case 2 -> LogEntry.direct(seq, 2, "d-" + seq, "ana", "bob", "dm " + seq + " ol\u00e1", at, seq);
                default -> LogEntry.post(seq, 2, seq % 3 == 0 ? null : "p-" + seq, "bob",
                        seq % 2 == 0 ? "general" : "dev", "post " + seq, at, seq);
            });
        }
        return out;
    }

    private ViewWriter open(Path at) throws IOException {
        return new ViewWriter(ChatStore.open(at, FsyncPolicy.NEVER));
    }

    private static String line(LogEntry entry) throws IOException {
        return sealed(JSON.writeValueAsString(entry.toStored()));
    }

    private static List<String> expectedLines(List<LogEntry> entries, boolean posts) throws IOException {
        List<String> out = new ArrayList<>();
        for (LogEntry e : entries) {
            if (posts ? e.op() == Op.PUBLISH : e.op() == Op.MESSAGE) {
                out.add(line(e));
            }
        }
        return out;
    }

    /** A line as it was encoded, with the checksum the store adds as its last field. */
    private static String sealed(String json) {
        return new String(Checksum.LINE.seal(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    private static RegistrySnapshot registry(Path at) throws IOException {
        return JSON.readValue(at.resolve(ChatStore.REGISTRY).toFile(), RegistrySnapshot.class);
    }

    private static byte[] bytes(Path at, String file) throws IOException {
        return Files.readAllBytes(at.resolve(file));
    }

    private static void assertSameFiles(Path a, Path b) throws IOException {
        for (String file : List.of(ChatStore.PUBLICATIONS, ChatStore.MESSAGES, ChatStore.REGISTRY)) {
            assertThat(bytes(a, file)).as(file).isEqualTo(bytes(b, file));
        }
    }

    private static void applyAll(ViewWriter views, List<LogEntry> entries) throws IOException {
        entries.forEach(views::apply);
        views.commit();
    }

    @Test
    void committedEntriesBecomeLinesAndTheRegistry() throws IOException {
        List<LogEntry> entries = List.of(
                LogEntry.login(1, 1, "l-1", "ana", T, 5),
                LogEntry.login(2, 1, null, "bob", T.plusSeconds(1), 6),
                LogEntry.channel(3, 1, "c-3", "dev", T.plusSeconds(2), 7),
                LogEntry.post(4, 1, "p-4", "ana", "dev", "hello", T.plusSeconds(3), 8),
                LogEntry.direct(5, 2, "d-5", "ana", "bob", "psst", T.plusSeconds(4), 9),
                LogEntry.post(6, 2, null, "bob", "general", "hi all", T.plusSeconds(5), 10),
                LogEntry.login(7, 2, null, "ana", T.plusSeconds(6), 11));
        try (ViewWriter views = open(dir)) {
            assertThat(views.appliedSeq()).isZero();
            applyAll(views, entries);
            assertThat(views.appliedSeq()).isEqualTo(7);
        }
        assertThat(Files.readAllLines(dir.resolve(ChatStore.PUBLICATIONS))).containsExactly(
                sealed("{\"seq\":4,\"id\":\"p-4\",\"user\":\"ana\",\"channel\":\"dev\",\"message\":\"hello\","
                        + "\"timestamp\":\"2026-03-01T12:00:03.123Z\",\"clock\":8}"),
                sealed("{\"seq\":6,\"user\":\"bob\",\"channel\":\"general\",\"message\":\"hi all\","
                        + "\"timestamp\":\"2026-03-01T12:00:05.123Z\",\"clock\":10}"));
        assertThat(Files.readAllLines(dir.resolve(ChatStore.MESSAGES))).containsExactly(
                sealed("{\"seq\":5,\"id\":\"d-5\",\"src\":\"ana\",\"dst\":\"bob\",\"message\":\"psst\","
                        + "\"timestamp\":\"2026-03-01T12:00:04.123Z\",\"clock\":9}"));
        assertThat(registry(dir)).isEqualTo(new RegistrySnapshot(
                List.of(new RegistrySnapshot.User("ana", 2, List.of(T, T.plusSeconds(6))),
                        new RegistrySnapshot.User("bob", 1, List.of(T.plusSeconds(1)))),
                List.of("general", "dev"), 7));
    }

    @Test
    void recordsCutFromLogLinesGiveTheSameFilesAsEncodedEntries() throws IOException {
        List<LogEntry> entries = log(60);
        Path fromLines = dir.resolve("from-lines");
        try (ViewWriter views = open(fromLines)) {
            for (LogEntry entry : entries) {
                views.apply(entry, ReplicationLog.encode(entry));
            }
            views.commit();
        }
        Path encoded = dir.resolve("encoded");
        try (ViewWriter views = open(encoded)) {
            entries.forEach(views::apply);
            views.commit();
        }
        for (String file : List.of(ChatStore.PUBLICATIONS, ChatStore.MESSAGES)) {
            assertThat(Files.readAllLines(fromLines.resolve(file))).as(file)
                    .isEqualTo(Files.readAllLines(encoded.resolve(file)))
                    .isEqualTo(expectedLines(entries, file.equals(ChatStore.PUBLICATIONS)));
        }
    }

    @Test
    void nothingReachesTheFilesBeforeCommit() throws IOException {
        try (ViewWriter views = open(dir)) {
            log(12).forEach(views::apply);
            assertThat(Files.size(dir.resolve(ChatStore.PUBLICATIONS))).isZero();
            assertThat(Files.size(dir.resolve(ChatStore.MESSAGES))).isZero();
            assertThat(dir.resolve(ChatStore.REGISTRY)).doesNotExist();
            views.commit();
            assertThat(Files.size(dir.resolve(ChatStore.PUBLICATIONS))).isPositive();
            assertThat(dir.resolve(ChatStore.REGISTRY)).exists();
        }
    }

    @Test
    void aFreshDirectoryGetsARegistryOnTheFirstCommitEvenWithoutRegistryEntries() throws IOException {
        try (ViewWriter views = open(dir)) {
            views.apply(LogEntry.login(1, 1, null, "ana", T, 1));
            views.commit();
        }
        Path other = dir.resolve("other");
        try (ViewWriter views = open(other)) {
            views.commit();
        }
        assertThat(registry(other)).isEqualTo(new RegistrySnapshot(List.of(), List.of("general"), 0));
    }

    @Test
    void eachEntryIsWrittenExactlyOnce() throws IOException {
        List<LogEntry> entries = log(40);
        try (ViewWriter views = open(dir)) {
            applyAll(views, entries);
            applyAll(views, entries);
            applyAll(views, entries.subList(10, 20));
        }
        assertThat(Files.readAllLines(dir.resolve(ChatStore.PUBLICATIONS))).containsExactlyElementsOf(
                expectedLines(entries, true));
        assertThat(Files.readAllLines(dir.resolve(ChatStore.MESSAGES))).containsExactlyElementsOf(
                expectedLines(entries, false));
        RegistrySnapshot registry = registry(dir);
        assertThat(registry.seq()).isEqualTo(40);
        long logins = entries.stream().filter(e -> e.op() == Op.LOGIN).count();
        assertThat(registry.users().stream().mapToLong(RegistrySnapshot.User::loginCount).sum()).isEqualTo(logins);
    }

    @Test
    void applyingTheSameEntriesAgainAfterARestartAddsNothing() throws IOException {
        List<LogEntry> entries = log(40);
        try (ViewWriter views = open(dir)) {
            applyAll(views, entries);
        }
        Path reference = dir.resolve("reference");
        Files.createDirectories(reference);
        for (String file : List.of(ChatStore.PUBLICATIONS, ChatStore.MESSAGES, ChatStore.REGISTRY)) {
            Files.copy(dir.resolve(file), reference.resolve(file));
        }
        try (ViewWriter views = open(dir)) {
            assertThat(views.appliedSeq()).isEqualTo(40);
            applyAll(views, entries);
        }
        assertSameFiles(dir, reference);
    }

    @Test
    void theAppliedSeqAfterReopenIsTheHighestAnyFileReflects() throws IOException {
        List<LogEntry> entries = log(23); // seq 23 is a post, 21 a channel
        try (ViewWriter views = open(dir)) {
            applyAll(views, entries.subList(0, 21));
        }
        try (ViewWriter views = open(dir)) {
            assertThat(views.appliedSeq()).isEqualTo(21);
            applyAll(views, entries);
            assertThat(views.appliedSeq()).isEqualTo(23);
        }
        try (ViewWriter views = open(dir)) {
            assertThat(views.appliedSeq()).isEqualTo(23);
        }
    }

    @Test
    void afterACrashBetweenTheFilesReapplyingFillsInOnlyWhatIsMissing() throws IOException {
        List<LogEntry> entries = log(60);
        Path reference = dir.resolve("reference");
        try (ViewWriter views = open(reference)) {
            applyAll(views, entries);
        }

        Path crashed = dir.resolve("crashed");
        Path savedRegistry = dir.resolve("registry-before.json");
        try (ViewWriter views = open(crashed)) {
            applyAll(views, entries.subList(0, 30));
            Files.copy(crashed.resolve(ChatStore.REGISTRY), savedRegistry);
            // the next group: posts and messages reached their files...
            applyAll(views, entries.subList(30, 50));
        }
        // ...but the process died before registry.json was replaced
        Files.copy(savedRegistry, crashed.resolve(ChatStore.REGISTRY), StandardCopyOption.REPLACE_EXISTING);
        assertThat(registry(crashed).seq()).isLessThan(50);
        long postsBefore = Files.readAllLines(crashed.resolve(ChatStore.PUBLICATIONS)).size();

        try (ViewWriter views = open(crashed)) {
            assertThat(views.appliedSeq()).isGreaterThanOrEqualTo(49);
            // a restart applies again everything the files may reflect, then what follows
            applyAll(views, entries.subList(0, 50));
            assertThat(Files.readAllLines(crashed.resolve(ChatStore.PUBLICATIONS))).hasSize((int) postsBefore);
            applyAll(views, entries.subList(50, 60));
        }
        assertSameFiles(crashed, reference);
    }

    @Test
    void aCrashBeforeTheFirstRegistryWasWrittenIsFilledInToo() throws IOException {
        List<LogEntry> entries = log(20);
        Path reference = dir.resolve("reference");
        try (ViewWriter views = open(reference)) {
            applyAll(views, entries);
        }
        Path crashed = dir.resolve("crashed");
        try (ViewWriter views = open(crashed)) {
            applyAll(views, entries.subList(0, 15));
        }
        Files.delete(crashed.resolve(ChatStore.REGISTRY));
        try (ViewWriter views = open(crashed)) {
            applyAll(views, entries);
        }
        assertSameFiles(crashed, reference);
    }

    @Test
    void aCrashWhereMessagesLagBehindPublicationsIsFilledIn() throws IOException {
        List<LogEntry> entries = log(40);
        Path reference = dir.resolve("reference");
        try (ViewWriter views = open(reference)) {
            applyAll(views, entries);
        }
        Path crashed = dir.resolve("crashed");
        try (ViewWriter views = open(crashed)) {
            applyAll(views, entries.subList(0, 20));
        }
        byte[] messagesBefore = bytes(crashed, ChatStore.MESSAGES);
        byte[] registryBefore = bytes(crashed, ChatStore.REGISTRY);
        try (ViewWriter views = open(crashed)) {
            applyAll(views, entries);
        }
        // publications.jsonl was written, the other two were not
        Files.write(crashed.resolve(ChatStore.MESSAGES), messagesBefore);
        Files.write(crashed.resolve(ChatStore.REGISTRY), registryBefore);
        try (ViewWriter views = open(crashed)) {
            applyAll(views, entries);
        }
        assertSameFiles(crashed, reference);
    }

    @Test
    void differentCommitGroupingsGiveByteIdenticalFiles() throws IOException {
        List<LogEntry> entries = log(120);
        Path one = dir.resolve("one-group");
        Path each = dir.resolve("each-entry");
        Path uneven = dir.resolve("uneven");
        try (ViewWriter views = open(one)) {
            applyAll(views, entries);
        }
        try (ViewWriter views = open(each)) {
            for (LogEntry e : entries) {
                views.apply(e);
                views.commit();
            }
        }
        int[] groups = {1, 2, 7, 3, 30, 1, 1, 40, 35};
        int at = 0;
        for (int g : groups) {
            // a restart between some groups, re-applying from the start as the server does
            try (ViewWriter views = open(uneven)) {
                applyAll(views, entries.subList(0, at));
                applyAll(views, entries.subList(at, at + g));
            }
            at += g;
        }
        assertThat(at).isEqualTo(entries.size());
        assertSameFiles(one, each);
        assertSameFiles(one, uneven);
        assertThat(new String(bytes(one, ChatStore.REGISTRY), StandardCharsets.UTF_8)).contains("\"seq\" : 120");
    }
}
