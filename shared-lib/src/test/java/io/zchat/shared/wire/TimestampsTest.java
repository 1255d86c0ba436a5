package io.zchat.shared.wire;

import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimestampsTest {
    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void formatsExactlyAsTheGeneralFormatterForAnyMillisecond() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            // many in the same second (the cached path), many across seconds and years
            long millis = i % 2 == 0 ? 1_795_000_000_000L + random.nextInt(5_000)
                    : random.nextLong(0, 253_402_300_799_999L);
            Instant at = Instant.ofEpochMilli(millis);
            assertThat(Timestamps.format(at)).isEqualTo(REFERENCE.format(at));
        }
    }

    @Test
    void packsTheSameStringThatFormatGives() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        byte[] scratch = new byte[Timestamps.SENT_LENGTH];
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.parse("1969-12-31T23:59:59.999Z"),
                Instant.parse("+10000-01-01T00:00:00.001Z"), Instant.parse("2026-11-27T12:00:00.123999Z")));
        for (int i = 0; i < 2_000; i++) {
            instants.add(Instant.ofEpochMilli(i % 2 == 0 ? 1_795_000_000_000L + random.nextInt(5_000)
                    : random.nextLong(0, 253_402_300_799_999L)));
        }
        for (Instant at : instants) {
            MessageBufferPacker packed = MessagePack.newDefaultBufferPacker();
            Timestamps.pack(at, packed, scratch);
            MessageBufferPacker expected = MessagePack.newDefaultBufferPacker();
            expected.packString(Timestamps.format(at));
            assertThat(packed.toByteArray()).as("%s", at).isEqualTo(expected.toByteArray());
        }
    }

    @Test
    void dropsWhatIsBelowAMillisecondAndHandlesTheEdgesOfTheRange() {
        assertThat(Timestamps.format(Instant.parse("2026-11-27T12:00:00.123999Z"))).isEqualTo("2026-11-27T12:00:00.123Z");
        assertThat(Timestamps.format(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00.000Z");
        Instant before = Instant.parse("1969-12-31T23:59:59.999Z");
        assertThat(Timestamps.format(before)).isEqualTo(REFERENCE.format(before));
    }

    @Test
    void readsBackWhatItWritesAndEverythingElseAsBefore() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            Instant at = Instant.ofEpochMilli(1_795_000_000_000L + random.nextInt(100_000_000));
            assertThat(Timestamps.parse(Timestamps.format(at))).isEqualTo(at);
        }
        assertThat(Timestamps.parse("2026-11-27T12:00:00Z")).isEqualTo(Instant.parse("2026-11-27T12:00:00Z"));
        assertThat(Timestamps.parse("2026-11-27T09:00:00.500-03:00")).isEqualTo(Instant.parse("2026-11-27T12:00:00.500Z"));
        assertThat(Timestamps.parse("2026-11-27T12:00:00.5")).isEqualTo(Instant.parse("2026-11-27T12:00:00.500Z"));
        assertThat(Timestamps.parse("1795000000")).isEqualTo(Instant.ofEpochSecond(1_795_000_000L));
    }

    @Test
    void aTimestampThatOnlyLooksLikeOursIsStillCheckedWhole() {
        assertThatThrownBy(() -> Timestamps.parse("2026-13-27T12:00:00.123Z")).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> Timestamps.parse("2026-11-27T12:00:00.1x3Z")).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> Timestamps.parse("yesterday")).isInstanceOf(DateTimeParseException.class);
    }
}
