package io.zchat.shared.wire;

import java.util.Arrays;

/**
 * A {@code {service, data}} frame read without building a tree: its service, its stamp, and where
 * its data map lies in the bytes, so the data is bound straight to the record of its service
 * ({@link WireCodec#body(Frame, Class)}) or passed on as it came ({@link #data()}).
 */
public record Frame(byte[] bytes, String service, int dataOffset, int dataLength, Stamp stamp) {
    /** An empty MessagePack map: the data of a frame that has none. */
    static final byte[] EMPTY_MAP = {(byte) 0x80};

    /** The data map's bytes (an empty map when the frame had none). */
    public byte[] data() {
        return dataLength == 0 ? EMPTY_MAP.clone() : Arrays.copyOfRange(bytes, dataOffset, dataOffset + dataLength);
    }
}
