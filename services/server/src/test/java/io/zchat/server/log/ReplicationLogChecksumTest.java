package io.zchat.server.log;

import io.zchat.server.store.FsyncPolicy;
import org.junit.jupiter.api.AfterEach;
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

/** The log's checksums: what a damaged line does on open, on a read, and from a peer. */
class ReplicationLogChecksumTest {
    private static final Instant T = Instant.parse("2026-03-01T12:00:00.123Z");
    /** Small, so that reads go to the file. */
    private static final int CACHE = 4;

    @TempDir
    Path dir;

    private final List<ReplicationLog> opened = new ArrayList<>();

    @AfterEach
    void closeLogs() throws IOException {
        for (ReplicationLog log : opened) {
            log.close();
        }
    }

    private ReplicationLog open(List<LogEntry> replayed) throws IOException {
        ReplicationLog log = ReplicationLog.open(dir, FsyncPolicy.BATCH, CACHE, replayed::add);
        opened.add(log);
        return log;
    }

    private ReplicationLog written(int entries) throws IOException {
        ReplicationLog log = open(new ArrayList<>());
        for (long seq = 1; seq <= entries; seq++) {
            log.append(LogEntry.post(seq, 1, "id-" + seq, "ana", "general", "message number " + seq, T, seq));
        }
        log.flush();
        log.close();
        opened.remove(log);
        return log;
    }

    private Path file() {
        return dir.resolve(ReplicationLog.FILE);
    }

    /** Offset of the first byte of line {@code seq} (1-based). */
    private long lineStart(long seq) throws IOException {
        byte[] all = Files.readAllBytes(file());
        long line = 1;
        for (int i = 0; i < all.length && line < seq; i++) {
            if (all[i] == '\n') {
                line++;
                if (line == seq) {
                    return i + 1;
                }
            }
        }
        return 0;
    }

    private void flip(long offset, int mask) throws IOException {
        byte[] all = Files.readAllBytes(file());
        all[(int) offset] ^= (byte) mask;
        Files.write(file(), all);
    }

    @Test
    void everyLineIsSealedAndStillStartsWithItsSeq() throws IOException {
        written(3);
        for (String line : Files.readAllLines(file())) {
            assertThat(line).startsWith("{\"seq\":").matches(".*,\"crc\":\"[0-9a-f]{8}\"}");
            assertThat(ReplicationLog.seqOf(line.getBytes(StandardCharsets.UTF_8))).isPositive();
        }
        assertThat(ReplicationLog.parse(Files.readAllLines(file()).get(0).getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(LogEntry.post(1, 1, "id-1", "ana", "general", "message number 1", T, 1));
    }

    @Test
    void aBitFlippedInTheMiddleOfALineCutsTheLogThereOnOpen() throws IOException {
        written(20);
        long start = lineStart(8);
        flip(start + 40, 0x04);
        List<LogEntry> replayed = new ArrayList<>();
        ReplicationLog log = open(replayed);
        assertThat(log.lastSeq()).isEqualTo(7);
        assertThat(replayed).hasSize(7);
        assertThat(Files.size(file())).isEqualTo(start);
        assertThat(log.lastDamage()).contains("seq 8");
    }

    @Test
    void aBitFlippedInADigitIsCaughtAlthoughTheLineStillParses() throws IOException {
        written(20);
        long start = lineStart(12);
        String line = Files.readAllLines(file()).get(11);
        int clock = line.indexOf("\"clock\":") + 8;
        flip(start + clock + 1, 0x01); // clock 12 -> 13: a complete entry, in order, and wrong
        assertThat(ReplicationLog.parse(Files.readAllLines(file()).get(11).getBytes(StandardCharsets.UTF_8)))
                .isNotNull();
        ReplicationLog log = open(new ArrayList<>());
        assertThat(log.lastSeq()).isEqualTo(11);
    }

    @Test
    void aTruncatedFileKeepsItsWholeLinesAndADeletedOneStartsEmpty() throws IOException {
        written(20);
        long cut = lineStart(15) + 30;
        try (var channel = java.nio.channels.FileChannel.open(file(), java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(cut);
        }
        ReplicationLog log = open(new ArrayList<>());
        assertThat(log.lastSeq()).isEqualTo(14);
        log.close();
        opened.remove(log);
        Files.delete(file());
        assertThat(open(new ArrayList<>()).lastSeq()).isZero();
    }

    @Test
    void aLineDamagedWhileOpenIsNotReadAndIsCutWhenAsked() throws IOException {
        written(200);
        List<LogEntry> replayed = new ArrayList<>();
        ReplicationLog log = open(replayed);
        long start = lineStart(100);
        flip(start + 50, 0x10);

        List<byte[]> lines = log.read(90, 50, Integer.MAX_VALUE);
        assertThat(lines).hasSize(9);
        assertThat(ReplicationLog.seqOf(lines.get(8))).isEqualTo(99);
        assertThat(log.damagedSeq()).isEqualTo(100);
        assertThat(log.read(99, 50, Integer.MAX_VALUE)).isEmpty();
        assertThat(log.entries(95, 150)).extracting(LogEntry::seq).containsExactly(96L, 97L, 98L, 99L);
        assertThat(log.entry(100)).isNull();
        assertThat(log.idAt(100)).isNull();

        assertThat(log.cutDamaged()).isEqualTo(101);
        assertThat(log.lastSeq()).isEqualTo(99);
        assertThat(log.damagedSeq()).isZero();
        assertThat(Files.size(file())).isEqualTo(start);
        assertThat(log.lastDamage()).contains("seq 100");
        // the log continues from there, as a follower does with what it fetches again
        log.append(LogEntry.post(100, 2, "again", "ana", "general", "fetched again", T, 100));
        log.flush();
        List<LogEntry> reopened = new ArrayList<>();
        log.close();
        opened.remove(log);
        assertThat(open(reopened).lastSeq()).isEqualTo(100);
        assertThat(reopened.get(99).id()).isEqualTo("again");
    }

    @Test
    void aNewlineMadeByAFlippedBitIsCaughtEvenBeforeTheLinesAsked() throws IOException {
        written(200);
        ReplicationLog log = open(new ArrayList<>());
        // a 'J' (0x4a) becomes a newline (0x0a): line 70 splits in two, which would shift every seq after it
        byte[] all = Files.readAllBytes(file());
        long start = lineStart(70);
        int at = (int) start + 5;
        all[at] = 'J';
        Files.write(file(), all);
        flip(at, 0x40);
        assertThat(log.read(75, 5, Integer.MAX_VALUE)).isEmpty();
        assertThat(log.damagedSeq()).isEqualTo(70);
        log.cutDamaged();
        assertThat(log.lastSeq()).isEqualTo(69);
        assertThat(Files.size(file())).isEqualTo(start);
    }

    @Test
    void forEachStopsBeforeADamagedLine() throws IOException {
        written(30);
        ReplicationLog log = open(new ArrayList<>());
        flip(lineStart(25) + 20, 0x02);
        List<Long> seen = new ArrayList<>();
        log.forEach(e -> seen.add(e.seq()));
        assertThat(seen).hasSize(24);
        assertThat(log.damagedSeq()).isEqualTo(25);
    }

    @Test
    void aPeerLineIsTakenOnlyIfItsChecksumHolds() throws IOException {
        ReplicationLog source = open(new ArrayList<>());
        byte[] line = source.append(LogEntry.login(1, 1, "l", "ana", T, 1));
        source.close();
        opened.remove(source);
        Files.delete(file());
        ReplicationLog follower = open(new ArrayList<>());
        byte[] damaged = line.clone();
        damaged[20] ^= 0x01;
        assertThat(follower.accepts(damaged)).isFalse();
        assertThat(follower.accepts(line)).isTrue();
        follower.appendLine(ReplicationLog.parse(line), line);
        byte[] unsealed = new String(ReplicationLog.encode(LogEntry.login(2, 1, "m", "bob", T, 2)),
                StandardCharsets.UTF_8).replaceAll(",\"crc\":\"[0-9a-f]{8}\"}$", "}").getBytes(StandardCharsets.UTF_8);
        assertThat(follower.accepts(unsealed)).as("unsealed after a sealed line").isFalse();
    }

    @Test
    void unsealedLinesAreAcceptedOnlyAsTheLogsFirstLines() throws IOException {
        List<String> legacy = new ArrayList<>();
        for (long seq = 1; seq <= 3; seq++) {
            legacy.add(unsealed(LogEntry.login(seq, 1, "id-" + seq, "user" + seq, T, seq)));
        }
        legacy.add(new String(ReplicationLog.encode(LogEntry.login(4, 1, "id-4", "user4", T, 4)),
                StandardCharsets.UTF_8));
        legacy.add(unsealed(LogEntry.login(5, 1, "id-5", "user5", T, 5)));
        Files.write(file(), legacy);
        ReplicationLog log = open(new ArrayList<>());
        assertThat(log.lastSeq()).as("3 legacy lines and a sealed one; not the unsealed one after it").isEqualTo(4);
        assertThat(log.read(0, 10, Integer.MAX_VALUE)).hasSize(4);
        assertThat(log.damagedSeq()).isZero();
    }

    private static String unsealed(LogEntry entry) {
        return new String(ReplicationLog.encode(entry), StandardCharsets.UTF_8)
                .replaceAll(",\"crc\":\"[0-9a-f]{8}\"}$", "}");
    }
}
