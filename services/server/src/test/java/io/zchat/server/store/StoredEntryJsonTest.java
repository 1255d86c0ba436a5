package io.zchat.server.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zchat.shared.wire.WireCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StoredEntryJsonTest {
    /** What wrote the user files before: the streaming writer must give the same bytes. */
    private static final ObjectMapper MAPPER = WireCodec.jsonMapper();
    private static final Instant AT = Instant.parse("2026-11-27T15:04:05.678Z");

    private static final List<StoredEntry> ENTRIES = List.of(
            StoredEntry.post(3, "r-3", "ana", "general", "hello \"world\" \\ \n\t\u0001 é 日本 😀", AT, 5),
            StoredEntry.direct(4, null, "ana", "bob", "", Instant.ofEpochMilli(0), 0));

    @Test
    void writesTheBytesTheObjectMapperWroteAndReadsThemBack() throws Exception {
        for (StoredEntry entry : ENTRIES) {
            byte[] written = StoredEntryJson.write(entry);
            assertThat(new String(written, StandardCharsets.UTF_8))
                    .isEqualTo(new String(MAPPER.writeValueAsBytes(entry), StandardCharsets.UTF_8));
            assertThat(StoredEntryJson.read(written)).isEqualTo(entry);
        }
    }

    @Test
    void skipsTheChecksumAndUnknownFields() throws Exception {
        byte[] sealed = Checksum.LINE.seal(StoredEntryJson.write(ENTRIES.get(0)));
        assertThat(StoredEntryJson.read(sealed)).isEqualTo(ENTRIES.get(0));
        assertThat(StoredEntryJson.read("{\"seq\":1,\"later\":[true],\"clock\":2}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new StoredEntry(1, null, null, null, null, null, null, null, 2));
    }
}
