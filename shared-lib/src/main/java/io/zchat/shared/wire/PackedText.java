package io.zchat.shared.wire;

import org.msgpack.core.MessagePacker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A text encoded once and packed many times: {@link MessagePacker#packString} encodes a short
 * string anew on every call, a garbage array per map key of every frame.
 */
final class PackedText {
    private final byte[] utf8;

    private PackedText(byte[] utf8) {
        this.utf8 = utf8;
    }

    static PackedText of(String text) {
        return new PackedText(text.getBytes(StandardCharsets.UTF_8));
    }

    void packInto(MessagePacker out) throws IOException {
        out.packRawStringHeader(utf8.length);
        out.writePayload(utf8);
    }
}
