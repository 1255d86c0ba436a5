package io.zchat.server.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChecksumTest {
    private static final byte[] LINE = bytes("{\"seq\":42,\"term\":3,\"op\":\"publish\",\"message\":\"ol\u00e1\",\"clock\":9}");

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void sealingThePrefixOfALargerBufferSealsJustThoseBytes() {
        byte[] buffer = java.util.Arrays.copyOf(LINE, LINE.length + 100);
        java.util.Arrays.fill(buffer, LINE.length, buffer.length, (byte) 'x');
        assertThat(Checksum.LINE.seal(buffer, LINE.length)).isEqualTo(Checksum.LINE.seal(LINE));
    }

    @Test
    void aSealedLineEndsWithTheCrc32cOfTheLineWithoutItAndKeepsItsPrefix() {
        byte[] sealed = Checksum.LINE.seal(LINE);
        CRC32C crc = new CRC32C();
        crc.update(LINE);
        String expected = new String(LINE, 0, LINE.length - 1, StandardCharsets.UTF_8)
                + ",\"crc\":\"" + String.format("%08x", crc.getValue()) + "\"}";
        assertThat(new String(sealed, StandardCharsets.UTF_8)).isEqualTo(expected).startsWith("{\"seq\":42,");
        assertThat(Checksum.LINE.check(sealed)).isEqualTo(Checksum.Verdict.INTACT);
    }

    @Test
    void everySingleBitFlipOfASealedLineIsCaught() {
        byte[] sealed = Checksum.LINE.seal(LINE);
        for (int i = 0; i < sealed.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = sealed.clone();
                flipped[i] ^= (byte) (1 << bit);
                assertThat(Checksum.LINE.check(flipped)).as("byte %d bit %d", i, bit)
                        .isNotEqualTo(Checksum.Verdict.INTACT);
            }
        }
    }

    @Test
    void aFlippedDigitIsDamagedNotUnsealed() {
        byte[] sealed = Checksum.LINE.seal(LINE);
        byte[] digit = sealed.clone();
        digit[7] ^= 1; // the 4 of seq 42 becomes a 5
        assertThat(new String(digit, StandardCharsets.UTF_8)).startsWith("{\"seq\":52,");
        assertThat(Checksum.LINE.check(digit)).isEqualTo(Checksum.Verdict.DAMAGED);
        byte[] middle = sealed.clone();
        middle[sealed.length / 2] ^= 0x20;
        assertThat(Checksum.LINE.check(middle)).isEqualTo(Checksum.Verdict.DAMAGED);
    }

    @Test
    void aLineWithoutTheFieldIsUnsealedAndACutOneToo() {
        assertThat(Checksum.LINE.check(LINE)).isEqualTo(Checksum.Verdict.UNSEALED);
        byte[] sealed = Checksum.LINE.seal(LINE);
        assertThat(Checksum.LINE.check(Arrays.copyOf(sealed, sealed.length - 3))).isEqualTo(Checksum.Verdict.UNSEALED);
        assertThat(Checksum.LINE.check(new byte[0])).isEqualTo(Checksum.Verdict.UNSEALED);
        assertThat(Checksum.LINE.check(bytes("}"))).isEqualTo(Checksum.Verdict.UNSEALED);
    }

    @Test
    void aDocumentIsSealedBeforeItsClosingBraceAndChecked() {
        byte[] doc = bytes("{\n  \"users\" : [ ],\n  \"seq\" : 7\n}");
        byte[] sealed = Checksum.DOCUMENT.seal(doc);
        assertThat(new String(sealed, StandardCharsets.UTF_8)).matches(
                "\\{\n  \"users\" : \\[ \\],\n  \"seq\" : 7,\n  \"crc\" : \"[0-9a-f]{8}\"\n}");
        assertThat(Checksum.DOCUMENT.check(sealed)).isEqualTo(Checksum.Verdict.INTACT);
        byte[] flipped = sealed.clone();
        flipped[sealed.length - 25] ^= 1;
        assertThat(Checksum.DOCUMENT.check(flipped)).isEqualTo(Checksum.Verdict.DAMAGED);
        assertThat(Checksum.DOCUMENT.check(doc)).isEqualTo(Checksum.Verdict.UNSEALED);
    }

    @Test
    void onlyAnObjectWithTheExpectedCloseCanBeSealed() {
        assertThatThrownBy(() -> Checksum.LINE.seal(bytes("[1,2]"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Checksum.DOCUMENT.seal(bytes("{\"a\":1}"))).isInstanceOf(IllegalArgumentException.class);
    }
}
