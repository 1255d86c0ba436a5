package io.zchat.server.log;

import io.zchat.server.store.Checksum;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plain-layout reader must give exactly what the general parser gives, or nothing (and the
 * general parser then decides); it must take the lines this system writes.
 */
class LogLineReaderTest {
    private static final Instant AT = Instant.parse("2026-11-27T15:04:05.678Z");

    private static final List<LogEntry> PLAIN = List.of(
            LogEntry.login(1, 1, "r-1", "ana", AT, 3),
            LogEntry.channel(2, 1, "r-2", "general", AT, 4),
            LogEntry.post(3, 2, "r-3", "ana", "general", "hello world, {not: a key} [x]", AT, 5),
            LogEntry.post(30, 2, "r-30", "ana", "general", "quotes and braces: } { ] [ : ,", AT, 0),
            LogEntry.direct(4, 2, null, "ana", "bob", "", Instant.ofEpochMilli(0), 0),
            LogEntry.direct(5, 2, "r-5", "bob", "bob", "to myself", Instant.parse("2026-11-27T15:04:05Z"), 7),
            LogEntry.termStart(7, 3, AT, 12),
            LogEntry.post(999_999_999_999_999_999L, 9, "r-9", "a", "c", "x".repeat(5_000),
                    Instant.parse("9999-12-31T23:59:59.999Z"), 999_999_999_999_999_999L));

    @Test
    void readsEveryLineThisSystemWritesInThePlainLayout() throws Exception {
        for (LogEntry entry : PLAIN) {
            byte[] line = LogEntryJson.write(entry);
            assertThat(LogLineReader.read(line)).as(text(line)).isEqualTo(entry);
            byte[] sealed = Checksum.LINE.seal(line);
            assertThat(LogLineReader.read(sealed)).as(text(sealed)).isEqualTo(entry);
        }
    }

    @Test
    void givesWhatTheGeneralParserGivesOrLeavesTheLineToIt() throws Exception {
        for (byte[] line : corpus()) {
            LogEntry plain = LogLineReader.read(line);
            if (plain != null) {
                assertThat(plain).as(text(line)).isEqualTo(LogEntryJson.readAnyLayout(line));
            }
        }
    }

    @Test
    void leavesLinesOutsideThePlainLayoutToTheGeneralParser() throws Exception {
        List<String> others = List.of(
                "{\"seq\":3,\"term\":2,\"op\":\"publish\",\"message\":\"a \\\"quoted\\\" word\",\"clock\":1}",
                "{\"seq\":3,\"term\":2,\"op\":\"publish\",\"message\":\"caf\u00e9\",\"clock\":1}",
                "{\"term\":2,\"seq\":3,\"op\":\"publish\",\"clock\":1}",
                "{\"seq\":3,\"seq\":4,\"term\":2,\"op\":\"publish\",\"clock\":1}",
                "{\"seq\":3,\"term\":2,\"op\":\"PUBLISH\",\"clock\":1}",
                "{\"seq\":3,\"term\":2,\"op\":\"publish\",\"user\":null,\"clock\":1}",
                "{\"seq\":-3,\"term\":2,\"op\":\"publish\",\"clock\":1}",
                "{\"seq\":03,\"term\":2,\"op\":\"publish\",\"clock\":1}",
                "{\"seq\":3.0,\"term\":2,\"op\":\"publish\",\"clock\":1}",
                "{\"seq\":\"3\",\"term\":2,\"op\":\"publish\",\"clock\":1}",
                "{\"seq\":3,\"term\":2,\"op\":\"publish\",\"clock\":1,\"extra\":true}",
                "{\"seq\":3,\"term\":2,\"op\":\"publish\",\"clock\":1} ",
                "{\"seq\":3,\"term\":2,\"op\":\"publish\",\"clock\":1}}",
                "{\"seq\":3,\"term\":2,\"op\":\"publish\",\"clock\":1",
                "{\"seq\":3, \"term\":2,\"op\":\"publish\",\"clock\":1}",
                "{\"seq\":3,\"term\":2,\"op\":\"publish\",\"timestamp\":\"yesterday\",\"clock\":1}",
                "{\"seq\":1234567890123456789,\"term\":2,\"op\":\"publish\",\"clock\":1}",
                "[\"seq\",3]",
                "");
        for (String other : others) {
            assertThat(LogLineReader.read(other.getBytes(StandardCharsets.UTF_8))).as(other).isNull();
        }
    }

    /** The plain lines, sealed and not, each cut short at every length and with each byte changed. */
    private static List<byte[]> corpus() {
        List<byte[]> lines = new ArrayList<>();
        for (LogEntry entry : PLAIN.subList(0, PLAIN.size() - 1)) {
            byte[] line = LogEntryJson.write(entry);
            for (byte[] whole : List.of(line, Checksum.LINE.seal(line))) {
                lines.add(whole);
                for (int length = 0; length < whole.length; length++) {
                    lines.add(java.util.Arrays.copyOf(whole, length));
                }
                for (int i = 0; i < whole.length; i++) {
                    for (byte b : new byte[]{'"', ',', ':', '0', '9', 'x', '\\', '}', ' ', (byte) 0xC3}) {
                        byte[] changed = whole.clone();
                        changed[i] = b;
                        lines.add(changed);
                    }
                }
            }
        }
        return lines;
    }

    private static String text(byte[] line) {
        return new String(line, StandardCharsets.UTF_8);
    }
}
