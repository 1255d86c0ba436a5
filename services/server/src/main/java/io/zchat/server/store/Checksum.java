package io.zchat.server.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A CRC32C carried by a stored JSON object as its last field, {@code "crc"} (8 lowercase hex
 * digits), computed over the object's bytes without that field. Being last, it is added and
 * checked without re-encoding the object, and every other field keeps its place (so a line still
 * starts with {@code {"seq":}). Two layouts: one line of a JSONL file, and a pretty-printed
 * document (registry.json).
 */
public enum Checksum {
    /** {@code {...,"crc":"89abcdef"}} */
    LINE(",\"crc\":\"", "}"),
    /** {@code {\n  ...,\n  "crc" : "89abcdef"\n}} */
    DOCUMENT(",\n  \"crc\" : \"", "\n}");

    /** What a check finds. */
    public enum Verdict {
        /** Sealed, and the checksum matches. */
        INTACT,
        /** Carries no checksum (written before checksums, or its seal itself was damaged). */
        UNSEALED,
        /** Sealed, and the checksum does not match. */
        DAMAGED
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGITS = 8;

    private final byte[] field;
    private final byte[] close;
    /** Bytes the seal adds after the object's own content: field, digits, quote, close. */
    private final int sealLength;

    Checksum(String field, String close) {
        this.field = field.getBytes(StandardCharsets.US_ASCII);
        this.close = close.getBytes(StandardCharsets.US_ASCII);
        this.sealLength = this.field.length + DIGITS + 1 + this.close.length;
    }

    /** {@code json} (ending with this layout's close) with the checksum field added before the close. */
    public byte[] seal(byte[] json) {
        return seal(json, json.length);
    }

    /** {@link #seal(byte[])} of the first {@code length} bytes of {@code json}, into a new array. */
    public byte[] seal(byte[] json, int length) {
        int body = length - close.length;
        if (body < 1 || !Arrays.equals(json, body, length, close, 0, close.length)) {
            throw new IllegalArgumentException("not a JSON object ending with the expected close");
        }
        byte[] out = Arrays.copyOf(json, body + sealLength);
        int crc = crc(json, body);
        int at = body;
        System.arraycopy(field, 0, out, at, field.length);
        at += field.length;
        for (int shift = 28; shift >= 0; shift -= 4) {
            out[at++] = HEX[(crc >>> shift) & 0xf];
        }
        out[at++] = '"';
        System.arraycopy(close, 0, out, at, close.length);
        return out;
    }

    public Verdict check(byte[] sealed) {
        return check(sealed, sealed.length);
    }

    /** Checks the first {@code length} bytes of {@code sealed}. */
    public Verdict check(byte[] sealed, int length) {
        int body = length - sealLength;
        if (body < 1 || !Arrays.equals(sealed, body, body + field.length, field, 0, field.length)
                || sealed[length - close.length - 1] != '"'
                || !Arrays.equals(sealed, length - close.length, length, close, 0, close.length)) {
            return Verdict.UNSEALED;
        }
        int stored = 0;
        for (int i = body + field.length; i < body + field.length + DIGITS; i++) {
            int digit = Character.digit(sealed[i], 16);
            if (digit < 0 || sealed[i] >= 'A' && sealed[i] <= 'F') {
                return Verdict.DAMAGED;
            }
            stored = stored << 4 | digit;
        }
        return stored == crc(sealed, body) ? Verdict.INTACT : Verdict.DAMAGED;
    }

    /** CRC32C of the first {@code body} bytes followed by the close (the object as it was before sealing). */
    private int crc(byte[] bytes, int body) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, body);
        crc.update(close, 0, close.length);
        return (int) crc.getValue();
    }
}
