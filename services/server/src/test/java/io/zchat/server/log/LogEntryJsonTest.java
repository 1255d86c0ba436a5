package io.zchat.server.log;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zchat.server.store.Checksum;
import io.zchat.shared.wire.WireCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogEntryJsonTest {
    /** What wrote the log before: the streaming writer must give the same bytes. */
    private static final ObjectMapper MAPPER = WireCodec.jsonMapper();
    private static final Instant AT = Instant.parse("2026-11-27T15:04:05.678Z");

    private static final List<LogEntry> ENTRIES = List.of(
            LogEntry.login(1, 1, "r-1", "ana", AT, 3),
            LogEntry.channel(2, 1, "r-2", "general", AT, 4),
            LogEntry.post(3, 2, "r-3", "ana", "general", "hello \"world\" \\ \n\t\u0001 é 日本 😀", AT, 5),
            LogEntry.direct(4, 2, null, "ana", "bob", "", Instant.ofEpochMilli(0), 0),
            LogEntry.post(Long.MAX_VALUE, 9, "r-5", "a", "c", "x".repeat(5_000), Instant.parse("9999-12-31T23:59:59.999Z"),
                    Long.MAX_VALUE));

    @Test
    void writesTheBytesTheObjectMapperWrote() throws Exception {
        for (LogEntry entry : ENTRIES) {
            assertThat(new String(LogEntryJson.write(entry), StandardCharsets.UTF_8))
                    .isEqualTo(new String(MAPPER.writeValueAsBytes(entry), StandardCharsets.UTF_8));
        }
    }

    @Test
    void readsWhatItWroteAndWhatTheMapperWrote() throws Exception {
        for (LogEntry entry : ENTRIES) {
            assertThat(LogEntryJson.read(LogEntryJson.write(entry))).isEqualTo(entry);
            assertThat(LogEntryJson.read(MAPPER.writeValueAsBytes(entry))).isEqualTo(entry);
        }
    }

    @Test
    void aTermStartEntryIsWrittenAndReadLikeTheOthers() throws Exception {
        LogEntry start = LogEntry.termStart(7, 3, AT, 12);
        byte[] line = LogEntryJson.write(start);
        assertThat(new String(line, StandardCharsets.UTF_8))
                .isEqualTo("{\"seq\":7,\"term\":3,\"op\":\"term\",\"timestamp\":\"2026-11-27T15:04:05.678Z\",\"clock\":12}")
                .isEqualTo(new String(MAPPER.writeValueAsBytes(start), StandardCharsets.UTF_8));
        assertThat(LogEntryJson.read(line)).isEqualTo(start);
        assertThat(start.isComplete()).isTrue();
        assertThat(Op.of("term")).isEqualTo(Op.TERM);
        assertThat(Op.TERM.isRegistry()).isFalse();
    }

    @Test
    void theStoredRecordCutFromALogLineIsTheEncodedStoredEntry() throws Exception {
        for (LogEntry entry : ENTRIES) {
            if (entry.op() == Op.PUBLISH || entry.op() == Op.MESSAGE) {
                byte[] line = Checksum.LINE.seal(LogEntryJson.write(entry));
                assertThat(new String(LogEntryJson.storedRecord(line), StandardCharsets.UTF_8))
                        .isEqualTo(new String(MAPPER.writeValueAsBytes(entry.toStored()), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void aLineNotLaidOutAsWrittenGivesNoStoredRecord() {
        byte[] unsealed = LogEntryJson.write(ENTRIES.get(2));
        assertThat(LogEntryJson.storedRecord(unsealed)).isNull();
        assertThat(LogEntryJson.storedRecord(bytes("{\"term\":2,\"seq\":3,\"op\":\"publish\",\"crc\":\"00000000\"}")))
                .isNull();
        assertThat(LogEntryJson.storedRecord(bytes("{\"seq\":3,\"term\":2,\"op\":\"publish\",\"crc\":\"00000000\"}")))
                .as("nothing between op and seal").isNull();
        assertThat(LogEntryJson.storedRecord(bytes("{\"seq\":,\"term\":2,\"op\":\"publish\",\"clock\":1,\"crc\":\"00000000\"}")))
                .isNull();
        assertThat(LogEntryJson.storedRecord(new byte[0])).isNull();
    }

    @Test
    void takesFieldsInAnyOrderSkipsUnknownOnesAndAcceptsTheContractsTimeForms() throws Exception {
        LogEntry entry = LogEntryJson.read(bytes("{\"crc\":\"0badf00d\",\"clock\":\"7\",\"timestamp\":1795791845678,"
                + "\"extra\":{\"nested\":[1,{\"a\":null}]},\"op\":\"publish\",\"user\":\"ana\",\"channel\":\"general\","
                + "\"message\":\"hi\",\"term\":2,\"seq\":10,\"id\":null}"));

        assertThat(entry).isEqualTo(LogEntry.post(10, 2, null, "ana", "general", "hi",
                Instant.ofEpochMilli(1795791845678L), 7));
        assertThat(LogEntryJson.read(bytes("{\"seq\":1,\"timestamp\":\"2026-11-27T16:04:05.678+01:00\"}")).timestamp())
                .isEqualTo(AT);
    }

    @Test
    void aLineThatIsNotAnObjectIsNoEntryAndAFieldOfTheWrongKindFails() throws Exception {
        assertThat(LogEntryJson.read(bytes("[1,2]"))).isNull();
        assertThat(ReplicationLog.parse(bytes("{\"seq\":1,"))).as("cut short").isNull();
        assertThatThrownBy(() -> LogEntryJson.read(bytes("{\"seq\":\"one\"}"))).hasMessageContaining("'seq'");
        assertThatThrownBy(() -> LogEntryJson.read(bytes("{\"user\":{\"a\":1}}"))).hasMessageContaining("'user'");
        assertThatThrownBy(() -> LogEntryJson.read(bytes("{\"timestamp\":\"yesterday\"}")))
                .hasMessageContaining("'timestamp'");
        assertThat(ReplicationLog.parse(bytes("{\"seq\":1,\"term\":1,\"op\":\"dance\",\"timestamp\":1}")))
                .as("not a logged write").isNull();
    }

    @Test
    void aSealedLineIsTheLineSealedWhateverTheThreadsBufferHeldBefore() {
        // the last entry (5,000 characters) outgrows the thread's buffer; the ones after it reuse it
        List<LogEntry> twice = new java.util.ArrayList<>(ENTRIES);
        twice.addAll(ENTRIES);
        for (LogEntry entry : twice) {
            assertThat(LogEntryJson.writeSealed(entry)).isEqualTo(Checksum.LINE.seal(LogEntryJson.write(entry)));
            assertThat(ReplicationLog.encode(entry)).isEqualTo(LogEntryJson.writeSealed(entry));
        }
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
