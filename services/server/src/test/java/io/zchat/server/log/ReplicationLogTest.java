package io.zchat.server.log;

import io.zchat.server.store.FsyncPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicationLogTest {
    private static final Instant T = Instant.parse("2026-03-01T12:00:00.123Z");
    /** Small, so that most reads of a few hundred entries go to the file and its sparse index. */
    private static final int CACHE = 8;

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

    private ReplicationLog open() throws IOException {
        return open(new ArrayList<>());
    }

    /** Reopens the directory (the previous log is closed first), returning what was replayed. */
    private List<LogEntry> reopen(ReplicationLog previous) throws IOException {
        previous.close();
        opened.remove(previous);
        List<LogEntry> replayed = new ArrayList<>();
        open(replayed);
        return replayed;
    }

    private static LogEntry entry(long seq, long term) {
        return switch ((int) (seq % 4)) {
            case 0 -> LogEntry.login(seq, term, "id-" + seq, "user" + seq, T.plusMillis(seq), 10 + seq);
            case 1 -> LogEntry.post(seq, term, "id-" + seq, "ana", "general", "message " + seq + " ol\u00e1",
                    T.plusMillis(seq), 10 + seq);
            case 2 -> LogEntry.direct(seq, term, null, "ana", "bob", "dm " + "x".repeat((int) (seq % 13)),
                    T.plusMillis(seq), 10 + seq);
            default -> LogEntry.channel(seq, term, "id-" + seq, "ch" + seq, T.plusMillis(seq), 10 + seq);
        };
    }

    /** Appends entries {@code from..to} of term {@code term}; returns their lines. */
    private static List<byte[]> append(ReplicationLog log, long from, long to, long term) {
        List<byte[]> lines = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            lines.add(log.append(entry(seq, term)));
        }
        return lines;
    }

    private static List<String> text(List<byte[]> lines) {
        return lines.stream().map(l -> new String(l, StandardCharsets.UTF_8)).toList();
    }

    private Path file() {
        return dir.resolve(ReplicationLog.FILE);
    }

    private List<String> fileLines() throws IOException {
        return Files.readAllLines(file(), StandardCharsets.UTF_8);
    }

    /** The selection read(after, max, maxBytes) must make: whole lines, at least one, within the bounds. */
    private static List<String> expected(List<byte[]> all, long after, int max, int maxBytes) {
        List<String> out = new ArrayList<>();
        int bytes = 0;
        for (long seq = after + 1; seq <= all.size() && out.size() < max; seq++) {
            byte[] line = all.get((int) seq - 1);
            if (!out.isEmpty() && bytes + line.length > maxBytes) {
                break;
            }
            out.add(new String(line, StandardCharsets.UTF_8));
            bytes += line.length;
        }
        return out;
    }

    // --- append, flush, reopen ---

    @Test
    void appendedEntriesAreReplayedInOrderAfterReopen() throws IOException {
        ReplicationLog log = open();
        List<LogEntry> written = new ArrayList<>();
        for (long seq = 1; seq <= 10; seq++) {
            written.add(entry(seq, seq <= 4 ? 1 : 2));
            log.append(written.get(written.size() - 1));
        }
        log.flush();
        assertThat(log.lastSeq()).isEqualTo(10);
        assertThat(log.lastTerm()).isEqualTo(2);
        assertThat(log.durableSeq()).isEqualTo(10);

        List<LogEntry> replayed = reopen(log);
        assertThat(replayed).containsExactlyElementsOf(written);
        ReplicationLog again = opened.get(0);
        assertThat(again.lastSeq()).isEqualTo(10);
        assertThat(again.lastTerm()).isEqualTo(2);
        assertThat(again.durableSeq()).isEqualTo(10);
        assertThat(fileLines()).hasSize(10);
    }

    @Test
    void aFreshLogIsEmpty() throws IOException {
        List<LogEntry> replayed = new ArrayList<>();
        ReplicationLog log = open(replayed);
        assertThat(replayed).isEmpty();
        assertThat(log.lastSeq()).isZero();
        assertThat(log.lastTerm()).isZero();
        assertThat(log.durableSeq()).isZero();
        assertThat(log.read(0, 10, 1000)).isEmpty();
        assertThat(file()).exists();
    }

    @Test
    void appendReturnsTheEncodedLineThatStartsWithItsSeq() throws IOException {
        ReplicationLog log = open();
        byte[] line = log.append(entry(1, 1));
        assertThat(line).isEqualTo(ReplicationLog.encode(entry(1, 1)));
        assertThat(new String(line, StandardCharsets.UTF_8)).startsWith("{\"seq\":1,\"term\":1,").doesNotContain("\n");
        assertThat(ReplicationLog.parse(line)).isEqualTo(entry(1, 1));
    }

    @Test
    void nothingReachesTheFileBeforeFlush() throws IOException {
        ReplicationLog log = open();
        append(log, 1, 3, 1);
        assertThat(Files.size(file())).isZero();
        assertThat(log.lastSeq()).isEqualTo(3);
        assertThat(log.durableSeq()).isZero();
        log.flush();
        assertThat(fileLines()).hasSize(3);
        assertThat(log.durableSeq()).isEqualTo(3);
    }

    @Test
    void linesAppendedWithAppendLineKeepTheirBytesExactly() throws IOException {
        ReplicationLog log = open();
        // not what encode() would write: other field order, spacing, an escaped character, an unknown field
        String line1 = "{\"seq\":1,  \"op\":\"login\", \"term\":1,\"user\":\"ana\",\"extra\":[1,2],"
                + "\"timestamp\":\"2026-03-01T12:00:00.000Z\",\"clock\":7}";
        String line2 = "{\"seq\":2,\"term\":1,\"op\":\"publish\",\"user\":\"ana\",\"channel\":\"general\","
                + "\"message\":\"ol\\u00e1 \u00e9\",\"timestamp\":\"2026-03-01T12:00:01.000Z\",\"clock\":8}";
        for (String line : List.of(line1, line2)) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            LogEntry entry = ReplicationLog.parse(bytes);
            assertThat(entry).as("test line parses").isNotNull();
            assertThat(ReplicationLog.encode(entry)).isNotEqualTo(bytes);
            log.appendLine(entry, bytes);
        }
        log.flush();
        assertThat(text(log.read(0, 10, 1 << 20))).containsExactly(line1, line2);
        assertThat(Files.readAllBytes(file()))
                .isEqualTo((line1 + "\n" + line2 + "\n").getBytes(StandardCharsets.UTF_8));

        List<LogEntry> replayed = reopen(log);
        assertThat(replayed).extracting(LogEntry::seq).containsExactly(1L, 2L);
        assertThat(replayed.get(1).message()).isEqualTo("ol\u00e1 \u00e9");
        assertThat(text(opened.get(0).read(0, 10, 1 << 20))).containsExactly(line1, line2);
    }

    @Test
    void appendLineWithAGapOrARepeatThrowsAndChangesNothing() throws IOException {
        ReplicationLog log = open();
        append(log, 1, 2, 1);
        LogEntry gap = entry(4, 1);
        assertThatThrownBy(() -> log.appendLine(gap, ReplicationLog.encode(gap)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("3");
        LogEntry repeat = entry(2, 1);
        assertThatThrownBy(() -> log.appendLine(repeat, ReplicationLog.encode(repeat)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> log.append(gap)).isInstanceOf(IllegalStateException.class);
        assertThat(log.lastSeq()).isEqualTo(2);
        log.flush();
        assertThat(fileLines()).hasSize(2);
        log.append(entry(3, 1));
        assertThat(log.lastSeq()).isEqualTo(3);
    }

    // --- damage on disk ---

    @Test
    void aTornLastLineIsCut() throws IOException {
        ReplicationLog log = open();
        append(log, 1, 3, 1);
        log.flush();
        log.close();
        opened.remove(log);
        long complete = Files.size(file());
        byte[] fourth = ReplicationLog.encode(entry(4, 1));
        Files.write(file(), Arrays.copyOf(fourth, fourth.length / 2), StandardOpenOption.APPEND);

        List<LogEntry> replayed = new ArrayList<>();
        ReplicationLog reopened = open(replayed);
        assertThat(replayed).extracting(LogEntry::seq).containsExactly(1L, 2L, 3L);
        assertThat(reopened.lastSeq()).isEqualTo(3);
        assertThat(Files.size(file())).isEqualTo(complete);

        reopened.append(entry(4, 1));
        reopened.flush();
        assertThat(fileLines()).hasSize(4);
        assertThat(reopen(reopened)).extracting(LogEntry::seq).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aDamagedLineInTheMiddleCutsTheLogThere() throws IOException {
        ReplicationLog log = open();
        List<byte[]> lines = append(log, 1, 6, 1);
        log.flush();
        log.close();
        opened.remove(log);
        List<String> text = new ArrayList<>(text(lines));
        text.set(3, text.get(3).replace("\"seq\":4,", "\"seq\":4,\"broken"));
        Files.writeString(file(), String.join("\n", text) + "\n");

        List<LogEntry> replayed = new ArrayList<>();
        ReplicationLog reopened = open(replayed);
        assertThat(replayed).extracting(LogEntry::seq).containsExactly(1L, 2L, 3L);
        assertThat(reopened.lastSeq()).isEqualTo(3);
        assertThat(reopened.durableSeq()).isEqualTo(3);
        assertThat(fileLines()).containsExactlyElementsOf(text.subList(0, 3));

        reopened.append(entry(4, 2));
        reopened.flush();
        assertThat(reopen(reopened)).containsExactly(entry(1, 1), entry(2, 1), entry(3, 1), entry(4, 2));
    }

    @Test
    void aCompleteJsonLineThatIsNotAWholeEntryOrOutOfOrderCutsTheLogToo() throws IOException {
        List<String> good = text(List.of(ReplicationLog.encode(entry(1, 1)), ReplicationLog.encode(entry(2, 1))));
        // seq 3 missing its user; then an entry out of order
        String incomplete = "{\"seq\":3,\"term\":1,\"op\":\"login\",\"timestamp\":\"2026-03-01T12:00:00Z\",\"clock\":1}";
        Files.writeString(file(), good.get(0) + "\n" + good.get(1) + "\n" + incomplete + "\n");
        List<LogEntry> replayed = new ArrayList<>();
        ReplicationLog log = open(replayed);
        assertThat(replayed).extracting(LogEntry::seq).containsExactly(1L, 2L);
        assertThat(fileLines()).containsExactlyElementsOf(good);
        log.close();
        opened.remove(log);

        String skipping = new String(ReplicationLog.encode(entry(4, 1)), StandardCharsets.UTF_8);
        Files.writeString(file(), skipping + "\n", StandardOpenOption.APPEND);
        replayed = new ArrayList<>();
        open(replayed);
        assertThat(replayed).extracting(LogEntry::seq).containsExactly(1L, 2L);
        assertThat(fileLines()).containsExactlyElementsOf(good);
    }

    @Test
    void anEmptyLineCutsTheLog() throws IOException {
        String first = new String(ReplicationLog.encode(entry(1, 1)), StandardCharsets.UTF_8);
        String second = new String(ReplicationLog.encode(entry(2, 1)), StandardCharsets.UTF_8);
        Files.writeString(file(), first + "\n\n" + second + "\n");
        List<LogEntry> replayed = new ArrayList<>();
        ReplicationLog log = open(replayed);
        assertThat(replayed).containsExactly(entry(1, 1));
        assertThat(log.lastSeq()).isEqualTo(1);
        assertThat(fileLines()).containsExactly(first);
    }

    // --- reads ---

    @Test
    void readGivesExactlyTheLinesAfterFromMemoryAndFromTheFile() throws IOException {
        ReplicationLog log = open();
        List<byte[]> all = append(log, 1, 300, 1);
        log.flush();
        long[] afters = {0, 1, 2, 62, 63, 64, 65, 100, 127, 128, 129, 191, 192, 193, 255, 256, 257,
                280, 290, 291, 292, 293, 295, 299};
        for (long after : afters) {
            for (int max : new int[] {1, 3, 10, 70, 1000}) {
                assertThat(text(log.read(after, max, Integer.MAX_VALUE)))
                        .as("read(%d, %d)", after, max)
                        .containsExactlyElementsOf(expected(all, after, max, Integer.MAX_VALUE));
            }
        }
        assertThat(log.read(300, 10, Integer.MAX_VALUE)).isEmpty();
        assertThat(log.read(301, 10, Integer.MAX_VALUE)).isEmpty();
        assertThat(log.read(0, 1000, Integer.MAX_VALUE)).hasSize(300);
    }

    @Test
    void entriesComeFromMemoryOrTheFileAndStopAtTheDurableSeq() throws IOException {
        ReplicationLog log = open();
        append(log, 1, 300, 1);
        log.flush();
        append(log, 301, 305, 1);
        for (long after : new long[] {0, 1, 63, 64, 250, 291, 292, 299}) {
            for (long upTo : new long[] {after, after + 1, after + 9, 300, 305}) {
                List<LogEntry> entries = log.entries(after, upTo);
                long last = Math.max(after, Math.min(upTo, 300));
                assertThat(entries).as("entries(%d, %d)", after, upTo).hasSize((int) (last - after));
                for (int i = 0; i < entries.size(); i++) {
                    assertThat(entries.get(i)).isEqualTo(entry(after + 1 + i, 1));
                }
            }
        }
        assertThat(log.entry(5)).isEqualTo(entry(5, 1));
        assertThat(log.entry(300)).isEqualTo(entry(300, 1));
        assertThat(log.entry(301)).as("not durable yet").isNull();
        assertThat(log.entry(0)).isNull();
    }

    @Test
    void forgottenEntriesAreReadBackFromTheFile() throws IOException {
        ReplicationLog log = open();
        append(log, 1, 6, 1);
        log.flush();
        log.forgetEntriesUpTo(4);
        assertThat(log.entries(0, 6)).containsExactlyElementsOf(LongStream.rangeClosed(1, 6)
                .mapToObj(seq -> entry(seq, 1)).toList());
        assertThat(log.entry(3)).isEqualTo(entry(3, 1));
        assertThat(log.idAt(4)).isEqualTo(entry(4, 1).id());
        assertThat(log.linesInMemory(0, 6)).as("the lines stay in memory").hasSize(6);
    }

    @Test
    void forgottenLinesAreReadBackFromTheFileAndNewerOnesStayInMemory() throws IOException {
        ReplicationLog log = open();
        List<byte[]> all = append(log, 1, 10, 1);
        log.flush();
        log.forgetLinesUpTo(6);
        assertThat(log.linesInMemory(0, 10)).as("memory no longer reaches back to seq 1").isEmpty();
        assertThat(text(log.linesInMemory(6, 4))).containsExactlyElementsOf(expected(all, 6, 4, Integer.MAX_VALUE));
        assertThat(text(log.read(0, 100, Integer.MAX_VALUE)))
                .containsExactlyElementsOf(expected(all, 0, 100, Integer.MAX_VALUE));
        all.addAll(append(log, 11, 12, 1));
        assertThat(text(log.readAppended(6, 100, Integer.MAX_VALUE))).as("from memory, not yet durable ones too")
                .containsExactlyElementsOf(expected(all, 6, 100, Integer.MAX_VALUE));
        assertThat(text(log.readAppended(3, 100, Integer.MAX_VALUE))).as("from the file: durable lines only")
                .containsExactlyElementsOf(expected(all, 3, 7, Integer.MAX_VALUE));
        assertThat(log.idAt(2)).isEqualTo(entry(2, 1).id());
        log.forgetLinesUpTo(100);
        log.flush();
        assertThat(text(log.read(10, 100, Integer.MAX_VALUE))).as("beyond the newest: every line is let go")
                .containsExactlyElementsOf(expected(all, 10, 100, Integer.MAX_VALUE));
    }

    @Test
    void readAppendedAlsoGivesLinesNotYetDurableWhileTheyAreInMemory() throws IOException {
        ReplicationLog log = open();
        List<byte[]> all = append(log, 1, 20, 1);
        log.flush();
        all.addAll(append(log, 21, 24, 1));
        assertThat(log.read(18, 100, Integer.MAX_VALUE)).hasSize(2);
        assertThat(text(log.readAppended(18, 100, Integer.MAX_VALUE)))
                .containsExactlyElementsOf(expected(all, 18, 100, Integer.MAX_VALUE));
        assertThat(log.readAppended(24, 100, Integer.MAX_VALUE)).isEmpty();
        assertThat(log.readAppended(0, 100, Integer.MAX_VALUE)).as("older than memory: durable lines only")
                .hasSize(20);
    }

    @Test
    void idAtFindsEveryAppendedEntryFromMemoryTheFileOrAGroupNotYetDurable() throws IOException {
        ReplicationLog log = open();
        append(log, 1, 20, 1);
        log.flush();
        append(log, 21, 30, 1);
        for (long seq = 1; seq <= 30; seq++) {
            assertThat(log.idAt(seq)).as("seq %d", seq).isEqualTo(entry(seq, 1).id());
        }
        assertThat(log.idAt(0)).isNull();
        assertThat(log.idAt(31)).isNull();
        assertThat(log.durableSeq()).as("reading back does not make a group durable").isEqualTo(20);
    }

    @Test
    void readIsBoundedByMaxBytesButGivesAtLeastOneLine() throws IOException {
        ReplicationLog log = open();
        List<byte[]> all = append(log, 1, 300, 1);
        log.flush();
        int typical = all.get(150).length;
        for (long after : new long[] {0, 50, 64, 150, 200, 289, 292, 296, 299}) {
            for (int maxBytes : new int[] {1, typical - 1, typical, typical + 1, 3 * typical, 10 * typical}) {
                List<String> read = text(log.read(after, 100, maxBytes));
                assertThat(read).as("read(%d, 100, %d)", after, maxBytes)
                        .containsExactlyElementsOf(expected(all, after, 100, maxBytes));
                assertThat(read).isNotEmpty();
                if (read.size() > 1) {
                    assertThat(read.stream().mapToInt(l -> l.getBytes(StandardCharsets.UTF_8).length).sum())
                            .isLessThanOrEqualTo(maxBytes);
                }
            }
            assertThat(log.read(after, 100, 1)).as("one line even if bigger than maxBytes").hasSize(1);
        }
    }

    @Test
    void readWorksPastTheInitialSizeOfTheSparseIndex() throws IOException {
        ReplicationLog log = open();
        int n = 64 * 1024 + 300; // more slots than the index starts with
        List<byte[]> all = new ArrayList<>(n);
        for (long seq = 1; seq <= n; seq++) {
            all.add(log.append(LogEntry.login(seq, 1, null, "u", T, seq)));
        }
        log.flush();
        for (long after : new long[] {0, 65_535, 65_536, 65_537, 65_600, n - 20L}) {
            assertThat(text(log.read(after, 5, Integer.MAX_VALUE))).as("read(%d)", after)
                    .containsExactlyElementsOf(expected(all, after, 5, Integer.MAX_VALUE));
        }
        log.truncateAfter(65_540);
        assertThat(log.lastSeq()).isEqualTo(65_540);
        assertThat(text(log.read(65_536, 10, Integer.MAX_VALUE)))
                .containsExactlyElementsOf(expected(all, 65_536, 4, Integer.MAX_VALUE));
    }

    @Test
    void readAfterReopenUsesTheRebuiltIndex() throws IOException {
        ReplicationLog log = open();
        List<byte[]> all = append(log, 1, 250, 1);
        log.flush();
        reopen(log);
        ReplicationLog reopened = opened.get(0);
        for (long after : new long[] {0, 63, 64, 65, 130, 200, 243, 249}) {
            assertThat(text(reopened.read(after, 20, Integer.MAX_VALUE))).as("read(%d)", after)
                    .containsExactlyElementsOf(expected(all, after, 20, Integer.MAX_VALUE));
        }
    }

    @Test
    void readBeyondTheDurableSeqGivesNothingBeforeFlush() throws IOException {
        ReplicationLog log = open();
        List<byte[]> all = append(log, 1, 5, 1);
        log.flush();
        all.addAll(append(log, 6, 8, 1));
        assertThat(log.lastSeq()).isEqualTo(8);
        assertThat(log.durableSeq()).isEqualTo(5);

        assertThat(log.read(5, 10, Integer.MAX_VALUE)).isEmpty();
        assertThat(log.read(7, 10, Integer.MAX_VALUE)).isEmpty();
        assertThat(text(log.read(3, 10, Integer.MAX_VALUE))).containsExactlyElementsOf(expected(all, 3, 2,
                Integer.MAX_VALUE));

        log.flush();
        assertThat(text(log.read(5, 10, Integer.MAX_VALUE))).containsExactlyElementsOf(expected(all, 5, 10,
                Integer.MAX_VALUE));
    }

    @Test
    void readFromTheFileStopsAtTheDurableSeqToo() throws IOException {
        ReplicationLog log = open();
        List<byte[]> all = append(log, 1, 300, 1);
        log.flush();
        append(log, 301, 320, 1);
        assertThat(log.read(0, 1000, Integer.MAX_VALUE)).hasSize(300);
        assertThat(text(log.read(250, 1000, Integer.MAX_VALUE)))
                .containsExactlyElementsOf(expected(all, 250, 1000, Integer.MAX_VALUE));
        assertThat(log.read(300, 1000, Integer.MAX_VALUE)).isEmpty();
    }

    // --- terms ---

    private ReplicationLog termsLog() throws IOException {
        ReplicationLog log = open();
        long[] terms = {1, 1, 2, 2, 2, 4};
        for (int i = 0; i < terms.length; i++) {
            log.append(entry(i + 1, terms[i]));
        }
        log.flush();
        return log;
    }

    private static void assertTerms(ReplicationLog log) {
        assertThat(log.termAt(0)).isZero();
        assertThat(log.termAt(1)).isEqualTo(1);
        assertThat(log.termAt(2)).isEqualTo(1);
        assertThat(log.termAt(3)).isEqualTo(2);
        assertThat(log.termAt(4)).isEqualTo(2);
        assertThat(log.termAt(5)).isEqualTo(2);
        assertThat(log.termAt(6)).isEqualTo(4);
        assertThat(log.termAt(7)).isEqualTo(-1);
        assertThat(log.lastTerm()).isEqualTo(4);

        assertThat(log.lastSeqOfTermAtMost(0)).isZero();
        assertThat(log.lastSeqOfTermAtMost(1)).isEqualTo(2);
        assertThat(log.lastSeqOfTermAtMost(2)).isEqualTo(5);
        assertThat(log.lastSeqOfTermAtMost(3)).isEqualTo(5);
        assertThat(log.lastSeqOfTermAtMost(4)).isEqualTo(6);
        assertThat(log.lastSeqOfTermAtMost(9)).isEqualTo(6);
    }

    @Test
    void termAtAndLastSeqOfTermAtMost() throws IOException {
        assertTerms(termsLog());
    }

    @Test
    void termsAreRebuiltOnReopen() throws IOException {
        ReplicationLog log = termsLog();
        reopen(log);
        assertTerms(opened.get(0));
    }

    @Test
    void termsOfAnEmptyLog() throws IOException {
        ReplicationLog log = open();
        assertThat(log.termAt(0)).isZero();
        assertThat(log.termAt(1)).isEqualTo(-1);
        assertThat(log.lastSeqOfTermAtMost(0)).isZero();
        assertThat(log.lastSeqOfTermAtMost(5)).isZero();
    }

    // --- truncation ---

    @Test
    void truncateAfterDropsTheTailInFileAndMemory() throws IOException {
        ReplicationLog log = open();
        List<byte[]> all = append(log, 1, 300, 1);
        log.flush();

        log.truncateAfter(150);
        assertThat(log.lastSeq()).isEqualTo(150);
        assertThat(log.durableSeq()).isEqualTo(150);
        assertThat(log.lastTerm()).isEqualTo(1);
        assertThat(log.termAt(151)).isEqualTo(-1);
        assertThat(fileLines()).containsExactlyElementsOf(text(all.subList(0, 150)));
        assertThat(text(log.read(140, 100, Integer.MAX_VALUE))).containsExactlyElementsOf(text(all.subList(140, 150)));
        assertThat(log.read(150, 100, Integer.MAX_VALUE)).isEmpty();

        // appending continues at seq + 1, in a new term
        List<byte[]> after = append(log, 151, 160, 5);
        log.flush();
        assertThat(log.termAt(151)).isEqualTo(5);
        assertThat(log.termAt(150)).isEqualTo(1);
        assertThat(log.lastSeqOfTermAtMost(4)).isEqualTo(150);
        List<String> expected = new ArrayList<>(text(all.subList(0, 150)));
        expected.addAll(text(after));
        assertThat(text(log.read(0, 1000, Integer.MAX_VALUE))).containsExactlyElementsOf(expected);
        assertThat(text(log.read(148, 5, Integer.MAX_VALUE))).containsExactlyElementsOf(expected.subList(148, 153));

        List<LogEntry> replayed = reopen(log);
        assertThat(replayed).extracting(LogEntry::seq).containsExactlyElementsOf(
                LongStream.rangeClosed(1, 160).boxed().toList());
        assertThat(replayed.get(150)).isEqualTo(entry(151, 5));
        assertThat(fileLines()).containsExactlyElementsOf(expected);
    }

    @Test
    void truncateAfterWithinTheCachedTail() throws IOException {
        ReplicationLog log = open();
        List<byte[]> all = append(log, 1, 300, 1);
        log.flush();
        log.truncateAfter(297);
        assertThat(text(log.read(290, 100, Integer.MAX_VALUE))).containsExactlyElementsOf(text(all.subList(290, 297)));
        List<byte[]> after = append(log, 298, 299, 2);
        log.flush();
        List<String> expected = new ArrayList<>(text(all.subList(290, 297)));
        expected.addAll(text(after));
        assertThat(text(log.read(290, 100, Integer.MAX_VALUE))).containsExactlyElementsOf(expected);
        assertThat(text(log.read(296, 100, Integer.MAX_VALUE))).containsExactlyElementsOf(expected.subList(6, 9));
        assertThat(reopen(log)).hasSize(299).last().isEqualTo(entry(299, 2));
    }

    @Test
    void truncateAfterAtIndexBoundariesAndToNothing() throws IOException {
        for (long cut : new long[] {64, 65, 128, 1, 0}) {
            ReplicationLog log = open();
            append(log, log.lastSeq() + 1, 200, 1);
            log.flush();
            assertThat(log.lastSeq()).isEqualTo(200);
            log.truncateAfter(cut);
            assertThat(log.lastSeq()).as("cut %d", cut).isEqualTo(cut);
            assertThat(fileLines()).as("cut %d", cut).hasSize((int) cut);
            List<byte[]> refill = append(log, cut + 1, 200, 1);
            log.flush();
            assertThat(refill).hasSize((int) (200 - cut));
            assertThat(text(log.read(cut > 0 ? cut - 1 : 0, 3, Integer.MAX_VALUE))).as("cut %d", cut)
                    .hasSize(3).allSatisfy(l -> assertThat(l).startsWith("{\"seq\":"));
            assertThat(log.read(0, 1000, Integer.MAX_VALUE)).hasSize(200);
            log.close();
            opened.remove(log);
        }
        assertThat(reopen(open())).hasSize(200);
    }

    @Test
    void truncateAfterEmptiesTheLog() throws IOException {
        ReplicationLog log = termsLog();
        log.truncateAfter(0);
        assertThat(log.lastSeq()).isZero();
        assertThat(log.lastTerm()).isZero();
        assertThat(log.termAt(1)).isEqualTo(-1);
        assertThat(Files.size(file())).isZero();
        log.append(entry(1, 7));
        log.flush();
        assertThat(log.termAt(1)).isEqualTo(7);
        assertThat(reopen(log)).containsExactly(entry(1, 7));
    }

    @Test
    void truncateAfterDropsTermsThatStartAfterTheCut() throws IOException {
        ReplicationLog log = termsLog(); // 1,1,2,2,2,4
        log.truncateAfter(4);
        assertThat(log.lastTerm()).isEqualTo(2);
        assertThat(log.termAt(4)).isEqualTo(2);
        assertThat(log.termAt(5)).isEqualTo(-1);
        assertThat(log.lastSeqOfTermAtMost(9)).isEqualTo(4);

        log.truncateAfter(2);
        assertThat(log.lastTerm()).isEqualTo(1);
        assertThat(log.lastSeqOfTermAtMost(1)).isEqualTo(2);
        assertThat(log.lastSeqOfTermAtMost(3)).isEqualTo(2);

        log.append(entry(3, 6));
        log.flush();
        assertThat(log.termAt(3)).isEqualTo(6);
        assertThat(log.lastSeqOfTermAtMost(5)).isEqualTo(2);
        assertThat(log.lastSeqOfTermAtMost(6)).isEqualTo(3);
    }

    @Test
    void truncateAfterTakesUnflushedEntriesIntoAccount() throws IOException {
        ReplicationLog log = open();
        List<byte[]> all = append(log, 1, 5, 1);
        log.flush();
        all.addAll(append(log, 6, 8, 1));
        log.truncateAfter(6);
        assertThat(log.lastSeq()).isEqualTo(6);
        assertThat(log.durableSeq()).isEqualTo(6);
        assertThat(fileLines()).containsExactlyElementsOf(text(all.subList(0, 6)));
        assertThat(text(log.read(4, 10, Integer.MAX_VALUE))).containsExactlyElementsOf(text(all.subList(4, 6)));
    }

    @Test
    void truncateAfterTheEndDoesNothing() throws IOException {
        ReplicationLog log = open();
        append(log, 1, 5, 1);
        log.flush();
        log.truncateAfter(5);
        log.truncateAfter(9);
        assertThat(log.lastSeq()).isEqualTo(5);
        assertThat(fileLines()).hasSize(5);
    }

    // --- helpers ---

    @Test
    void seqOfReadsThePrefix() {
        assertThat(ReplicationLog.seqOf(ReplicationLog.encode(entry(1, 1)))).isEqualTo(1);
        assertThat(ReplicationLog.seqOf(ReplicationLog.encode(entry(12345, 3)))).isEqualTo(12345);
        assertThat(ReplicationLog.seqOf(ReplicationLog.encode(entry(9_876_543_210L, 3)))).isEqualTo(9_876_543_210L);
        assertThat(ReplicationLog.seqOf("{\"seq\":42}".getBytes(StandardCharsets.UTF_8))).isEqualTo(42);
        assertThat(ReplicationLog.seqOf("{\"term\":1,\"seq\":5}".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(ReplicationLog.seqOf("{\"seq\":".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(ReplicationLog.seqOf("garbage".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(ReplicationLog.seqOf(new byte[0])).isEqualTo(-1);
    }

    @Test
    void parseRefusesWhatIsNotACompleteEntry() {
        assertThat(ReplicationLog.parse("not json".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(ReplicationLog.parse("null".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(ReplicationLog.parse("{\"seq\":1}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(ReplicationLog.parse(("{\"seq\":1,\"term\":1,\"op\":\"history\",\"user\":\"ana\","
                + "\"timestamp\":\"2026-03-01T12:00:00Z\",\"clock\":1}").getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(ReplicationLog.parse(("{\"seq\":1,\"term\":0,\"op\":\"login\",\"user\":\"ana\","
                + "\"timestamp\":\"2026-03-01T12:00:00Z\",\"clock\":1}").getBytes(StandardCharsets.UTF_8))).isNull();
        for (long seq = 1; seq <= 4; seq++) {
            assertThat(ReplicationLog.parse(ReplicationLog.encode(entry(seq, 2)))).isEqualTo(entry(seq, 2));
        }
    }

    @Test
    void forEachVisitsAllEntriesInOrder() throws IOException {
        ReplicationLog log = open();
        List<LogEntry> written = new ArrayList<>();
        for (long seq = 1; seq <= 150; seq++) {
            written.add(entry(seq, seq < 100 ? 1 : 2));
            log.append(written.get(written.size() - 1));
        }
        log.flush();
        List<LogEntry> visited = new ArrayList<>();
        log.forEach(visited::add);
        assertThat(visited).containsExactlyElementsOf(written);

        log.truncateAfter(120);
        visited.clear();
        log.forEach(visited::add);
        assertThat(visited).containsExactlyElementsOf(written.subList(0, 120));
    }

    @Test
    void forEachIncludesEntriesNotYetFlushed() throws IOException {
        ReplicationLog log = open();
        append(log, 1, 3, 1);
        log.flush();
        append(log, 4, 5, 1);
        List<Long> seqs = new ArrayList<>();
        log.forEach(e -> seqs.add(e.seq()));
        assertThat(seqs).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void fsyncNeverWritesTheSameFile() throws IOException {
        List<byte[]> lines;
        try (ReplicationLog log = ReplicationLog.open(dir, FsyncPolicy.NEVER, CACHE, e -> { })) {
            lines = append(log, 1, 20, 1);
            log.flush();
            assertThat(log.durableSeq()).isEqualTo(20);
        }
        assertThat(fileLines()).containsExactlyElementsOf(text(lines));
    }
}
