package io.zchat.shared.wire;

/** The header of an encoded MessagePack map: how many entries it has and how many bytes the header takes. */
record MessageMapHeader(int entries, int length) {

    /** Null when {@code encoded} does not start with a map header. */
    static MessageMapHeader of(byte[] encoded) {
        int first = encoded.length == 0 ? -1 : encoded[0] & 0xff;
        if (first >= 0x80 && first <= 0x8f) {
            return new MessageMapHeader(first & 0x0f, 1);
        }
        if (first == 0xde && encoded.length >= 3) {
            return new MessageMapHeader(((encoded[1] & 0xff) << 8) | (encoded[2] & 0xff), 3);
        }
        if (first == 0xdf && encoded.length >= 5) {
            long entries = ((encoded[1] & 0xffL) << 24) | ((encoded[2] & 0xff) << 16)
                    | ((encoded[3] & 0xff) << 8) | (encoded[4] & 0xff);
            return new MessageMapHeader(Math.toIntExact(entries), 5);
        }
        return null;
    }
}
