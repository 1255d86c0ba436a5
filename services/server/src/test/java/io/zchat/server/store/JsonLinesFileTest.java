package io.zchat.server.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonLinesFileTest {
    @TempDir
    Path dir;
    private FailingDisk disk;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> scan(Path path) throws IOException {
        List<String> lines = new ArrayList<>();
        JsonLinesFile.scan(path, line -> lines.add(new String(line, StandardCharsets.UTF_8)));
        return lines;
    }

    @Test
    void appendedLinesAreReadBackInOrderAfterReopen() throws IOException {
        Path path = dir.resolve("a.jsonl");
        try (JsonLinesFile file = JsonLinesFile.open(path)) {
            file.append(bytes("{\"n\":1}"));
            file.append(bytes("{\"n\":2}"));
            file.flush();
            file.append(bytes("{\"n\":3,\"s\":\"olá\"}"));
        }
        try (JsonLinesFile file = JsonLinesFile.open(path)) {
            file.append(bytes("{\"n\":4}"));
            file.flush();
        }
        assertThat(scan(path)).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3,\"s\":\"olá\"}", "{\"n\":4}");
        assertThat(Files.readString(path)).endsWith("{\"n\":4}\n");
    }

    @Test
    void tornLastLineIsCutOnOpen() throws IOException {
        Path path = dir.resolve("torn.jsonl");
        try (JsonLinesFile file = JsonLinesFile.open(path)) {
            file.append(bytes("{\"n\":1}"));
            file.append(bytes("{\"n\":2}"));
        }
        long complete = Files.size(path);
        Files.write(path, bytes("{\"n\":3,\"mess"), StandardOpenOption.APPEND);

        JsonLinesFile.open(path).close();

        assertThat(Files.size(path)).isEqualTo(complete);
        assertThat(Files.readString(path)).isEqualTo("{\"n\":1}\n{\"n\":2}\n");
    }

    @Test
    void aFileOfOnlyATornLineBecomesEmpty() throws IOException {
        Path path = dir.resolve("only-torn.jsonl");
        Files.write(path, bytes("{\"half"));
        JsonLinesFile.open(path).close();
        assertThat(Files.size(path)).isZero();
    }

    @Test
    void tornLineLongerThanOneReadChunkIsCut() throws IOException {
        Path path = dir.resolve("long-torn.jsonl");
        Files.write(path, bytes("{\"n\":1}\n" + "x".repeat(20_000)));
        JsonLinesFile.open(path).close();
        assertThat(Files.readString(path)).isEqualTo("{\"n\":1}\n");
    }

    @Test
    void appendingAfterRecoveryGivesACleanFile() throws IOException {
        Path path = dir.resolve("recover.jsonl");
        Files.write(path, bytes("{\"n\":1}\n{\"n\":2}\n{\"n\":3,\"to"));
        try (JsonLinesFile file = JsonLinesFile.open(path)) {
            file.append(bytes("{\"n\":4}"));
            file.flush();
        }
        assertThat(Files.readString(path)).isEqualTo("{\"n\":1}\n{\"n\":2}\n{\"n\":4}\n");
        assertThat(scan(path)).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":4}");
    }

    @Test
    void nothingBufferedReachesTheFileBeforeFlush() throws IOException {
        Path path = dir.resolve("buffered.jsonl");
        try (JsonLinesFile file = JsonLinesFile.open(path)) {
            file.append(bytes("{\"n\":1}"));
            file.append(bytes("{\"n\":2}"));
            assertThat(Files.size(path)).isZero();
            assertThat(scan(path)).isEmpty();

            file.flush();
            assertThat(scan(path)).containsExactly("{\"n\":1}", "{\"n\":2}");

            file.append(bytes("{\"n\":3}"));
            assertThat(scan(path)).hasSize(2);
            file.flush();
            file.sync();
            assertThat(scan(path)).hasSize(3);
        }
    }

    @Test
    void scanOfAMissingFileGivesNothing() throws IOException {
        assertThat(scan(dir.resolve("nope.jsonl"))).isEmpty();
        assertThat(dir.resolve("nope.jsonl")).doesNotExist();
    }

    @Test
    void scanSkipsAnUnterminatedTailAndEmptyLines() throws IOException {
        Path path = dir.resolve("raw.jsonl");
        Files.write(path, bytes("a\n\nb\nc-without-newline"));
        assertThat(scan(path)).containsExactly("a", "b");
    }

    /** Lines (as text) and their offsets, read from {@code offset} until {@code stopAfter} lines. */
    private static List<String> readFrom(JsonLinesFile file, long offset, int stopAfter, List<Long> offsets)
            throws IOException {
        List<String> lines = new ArrayList<>();
        file.readFrom(offset, (line, at) -> {
            lines.add(new String(line, StandardCharsets.UTF_8));
            offsets.add(at);
            return lines.size() < stopAfter;
        });
        return lines;
    }

    @Test
    void readFromGivesFlushedLinesWithTheirOffsetsAndStopsWhenAsked() throws IOException {
        Path path = dir.resolve("read.jsonl");
        try (JsonLinesFile file = JsonLinesFile.open(path)) {
            assertThat(file.position()).isZero();
            file.append(bytes("aa"));
            assertThat(file.position()).as("buffered bytes count").isEqualTo(3);
            file.append(bytes("b\u00e9"));
            file.append(bytes("c"));
            file.flush();
            file.append(bytes("not flushed"));

            List<Long> offsets = new ArrayList<>();
            assertThat(readFrom(file, 0, 100, offsets)).containsExactly("aa", "b\u00e9", "c");
            assertThat(offsets).containsExactly(0L, 3L, 7L);

            offsets.clear();
            assertThat(readFrom(file, 3, 1, offsets)).containsExactly("b\u00e9");
            assertThat(offsets).containsExactly(3L);
            assertThat(file.position()).isEqualTo(9 + "not flushed".length() + 1);
        }
    }

    @Test
    void readFromCrossesReadChunks() throws IOException {
        Path path = dir.resolve("big.jsonl");
        List<String> written = new ArrayList<>();
        try (JsonLinesFile file = JsonLinesFile.open(path)) {
            for (int i = 0; i < 3000; i++) {
                String line = i + ":" + "x".repeat(i % 97);
                written.add(line);
                file.append(bytes(line));
            }
            file.flush();
            List<Long> offsets = new ArrayList<>();
            assertThat(readFrom(file, 0, Integer.MAX_VALUE, offsets)).isEqualTo(written);
            // each offset is where its line starts in the file
            byte[] all = Files.readAllBytes(path);
            for (int i = 0; i < written.size(); i++) {
                long at = offsets.get(i);
                assertThat(at == 0 || all[(int) at - 1] == '\n').isTrue();
                assertThat(new String(all, (int) at, written.get(i).length(), StandardCharsets.UTF_8))
                        .isEqualTo(written.get(i));
            }
        }
    }

    @Test
    void truncateCutsAtALineStartDropsTheBufferAndAppendingContinuesThere() throws IOException {
        Path path = dir.resolve("cut.jsonl");
        try (JsonLinesFile file = JsonLinesFile.open(path)) {
            file.append(bytes("one"));
            file.append(bytes("two"));
            file.append(bytes("three"));
            file.flush();
            file.append(bytes("buffered"));
            file.truncate(4);
            assertThat(file.position()).isEqualTo(4);
            assertThat(Files.readString(path)).isEqualTo("one\n");
            file.append(bytes("four"));
            file.flush();
            assertThat(readFrom(file, 0, 100, new ArrayList<>())).containsExactly("one", "four");
        }
        assertThat(Files.readString(path)).isEqualTo("one\nfour\n");
    }

    /** Opens {@code path} through a {@link FailingDisk}, kept in {@link #disk}. */
    private JsonLinesFile openOnFailingDisk(Path path) throws IOException {
        return JsonLinesFile.open(path, channel -> disk = new FailingDisk(channel));
    }

    @Test
    void aWriteThatFailsHalfwayIsCutBackAndItsRecordsAreWrittenWholeOnceTheDiskWorksAgain() throws IOException {
        Path path = dir.resolve("failing.jsonl");
        try (JsonLinesFile file = openOnFailingDisk(path)) {
            file.append(bytes("{\"n\":1}"));
            file.flush();
            long whole = Files.size(path);

            disk.fail(5);
            file.append(bytes("{\"n\":2}"));
            file.append(bytes("{\"n\":3}"));
            assertThatThrownBy(file::flush).isInstanceOf(IOException.class).hasMessageContaining("No space");
            assertThat(Files.size(path)).as("the 5 bytes that landed are cut again").isEqualTo(whole);
            assertThat(file.hasPending()).isTrue();
            assertThat(file.position()).isEqualTo(whole + 2 * ("{\"n\":2}".length() + 1));
            assertThatThrownBy(file::flush).isInstanceOf(IOException.class);
            assertThat(Files.size(path)).isEqualTo(whole);

            disk.heal();
            file.append(bytes("{\"n\":4}"));
            file.flush();
            assertThat(file.hasPending()).isFalse();
        }
        assertThat(Files.readString(path)).isEqualTo("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n");
    }

    @Test
    void aSyncThatFailsIsTriedAgainByTheNextOne() throws IOException {
        try (JsonLinesFile file = openOnFailingDisk(dir.resolve("unsynced.jsonl"))) {
            file.append(bytes("{\"n\":1}"));
            file.flush();
            disk.fail(0);
            assertThatThrownBy(file::sync).isInstanceOf(IOException.class);

            disk.heal();
            file.sync();
            assertThat(disk.forced()).as("the failed sync is not taken as done").isEqualTo(1);
            file.sync();
            assertThat(disk.forced()).as("nothing new to force").isEqualTo(1);
        }
    }
}
