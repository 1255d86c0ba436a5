package io.zchat.shared.wire;

import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The keys a reader looks for in a MessagePack map, matched as UTF-8 bytes: reading a key costs no
 * String (a frame has a dozen keys, read twice: for its outline, then to bind its data). A key
 * matches only if its bytes are exactly a name's, as decoding it and comparing the text would
 * find (malformed bytes decode to U+FFFD, which no name holds).
 */
final class MapKeys {
    /** The next key is text but none of the names. */
    static final int OTHER = -1;
    /** The next key is not text at all. */
    static final int NOT_TEXT = -2;

    private final byte[][] names;
    private final int longest;

    MapKeys(String... names) {
        this.names = Arrays.stream(names).map(n -> n.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        this.longest = Arrays.stream(this.names).mapToInt(n -> n.length).max().orElse(0);
    }

    /** A buffer for {@link #next}, one per read (keys longer than every name are not copied into it). */
    byte[] scratch() {
        return new byte[longest];
    }

    /**
     * Reads the next key: the index of the name it is, {@link #OTHER}, or {@link #NOT_TEXT} (then
     * the key is still to be read or skipped by the caller, who gets the unpacker at it).
     */
    int next(MessageUnpacker in, byte[] scratch) throws IOException {
        if (in.getNextFormat().getValueType() != ValueType.STRING) {
            return NOT_TEXT;
        }
        int length = in.unpackRawStringHeader();
        if (length > longest) {
            skipBytes(in, length);
            return OTHER;
        }
        in.readPayload(scratch, 0, length);
        for (int i = 0; i < names.length; i++) {
            if (names[i].length == length && Arrays.equals(names[i], 0, length, scratch, 0, length)) {
                return i;
            }
        }
        return OTHER;
    }

    private static void skipBytes(MessageUnpacker in, int length) throws IOException {
        byte[] chunk = new byte[Math.min(length, 256)];
        for (int left = length; left > 0; left -= chunk.length) {
            in.readPayload(chunk, 0, Math.min(left, chunk.length));
        }
    }
}
