package io.zchat.shared.wire;

import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.zchat.shared.wire.WireCodecTest.pack;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The outline reader must accept, refuse and stamp exactly as the tree decoder does. */
class FrameReaderTest {
    private final WireCodec codec = new WireCodec();
    private final Stamp stamp = new Stamp(Instant.parse("2026-11-27T10:15:30.123Z"), 42);

    private List<byte[]> frames() throws IOException {
        List<byte[]> frames = new ArrayList<>();
        frames.add(codec.encode(Service.PUBLISH, new Requests.Publish("ana", "dev", "hi", "x"), stamp));
        frames.add(codec.encode(Service.HISTORY, new Requests.History("dev", null, 5, 10L), stamp));
        frames.add(codec.encode(Service.USERS, null, stamp));
        frames.add(pack("login", "user", "ana", "timestamp", 1_764_000_000_123L, "extra", "x"));
        frames.add(pack("login", "user", "ana", "timestamp", 1_764_000_000.5, "clock", 7));
        frames.add(pack("login", "user", "ana", "timestamp", "2026-11-27T11:15:30+01:00", "clock", "12"));
        frames.add(pack("login", "user", "ana", "clock", -5));
        frames.add(pack("login", "timestamp", "yesterday"));
        frames.add(pack("login", "clock", "many"));
        frames.add(pack("history", "channel", "dev", "limit", "lots"));
        frames.add(pack("", "user", "ana"));
        frames.add(new byte[0]);
        frames.add("not msgpack at all".getBytes());
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packArrayHeader(1).packInt(1);
        frames.add(p.toByteArray());
        p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(1).packString("data").packMapHeader(0);
        frames.add(p.toByteArray());
        p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(2).packString("service").packInt(3).packString("data").packMapHeader(0);
        frames.add(p.toByteArray());
        p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(2).packString("service").packString("login").packString("data").packString("x");
        frames.add(p.toByteArray());
        p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(2).packString("service").packString("login").packString("data").packNil();
        frames.add(p.toByteArray());
        p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(3).packInt(1).packInt(2).packString("service").packString("login")
                .packString("data").packMapHeader(1).packInt(9).packString("x");
        frames.add(p.toByteArray());
        // keys read as bytes: one longer than every name, one of the names with a multibyte
        // letter, one that is not UTF-8 at all; and clocks at the ends of the integer formats
        frames.add(pack("login", "user", "ana", "a-key-longer-than-any-name-a-reader-looks-for", "x"));
        frames.add(pack("login", "us\u00e9r", "ana", "user", "bob"));
        p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(2).packString("service").packString("login").packString("data").packMapHeader(2)
                .packRawStringHeader(5).addPayload(new byte[] {'u', 's', (byte) 0xC0, 'e', 'r'}).packString("ana")
                .packString("user").packString("bob");
        frames.add(p.toByteArray());
        p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(2).packRawStringHeader(7).addPayload(new byte[] {'s', 'e', 'r', 'v', 'i', 'c', (byte) 0xE9})
                .packString("login").packString("data").packMapHeader(0);
        frames.add(p.toByteArray());
        p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(2).packString("service").packString("login").packString("data").packMapHeader(1)
                .packString("clock").packBigInteger(java.math.BigInteger.TWO.pow(64).subtract(java.math.BigInteger.ONE));
        frames.add(p.toByteArray());
        frames.add(pack("login", "user", "ana", "clock", Long.MAX_VALUE));
        frames.add(pack("login", "user", "ana", "clock", Long.MIN_VALUE));
        byte[] valid = frames.get(0);
        frames.add(Arrays.copyOf(valid, valid.length + 1));
        frames.add(Arrays.copyOf(valid, valid.length - 3));
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] mutated = valid.clone();
            mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            frames.add(mutated);
        }
        return frames;
    }

    /** Something that decodes or binds, whose result (or error message) two paths must share. */
    private interface Decoding {
        Object run() throws WireFormatException;
    }

    private static Object resultOrError(Decoding decoding) {
        try {
            return decoding.run();
        } catch (WireFormatException e) {
            return "error: " + e.getMessage();
        }
    }

    @Test
    void agreesWithTheTreeDecoderOnEveryFrame() throws IOException {
        for (byte[] bytes : frames()) {
            Object envelope = resultOrError(() -> codec.decode(bytes));
            Object frame = resultOrError(() -> codec.read(bytes));
            String what = Arrays.toString(bytes);
            if (envelope instanceof Envelope tree) {
                assertThat(frame).as(what).isInstanceOf(Frame.class);
                Frame outline = (Frame) frame;
                assertThat(outline.service()).as(what).isEqualTo(tree.service());
                assertThat(outline.stamp()).as(what).isEqualTo(tree.stamp());
                assertBindsAlike(tree, outline, Requests.Publish.class);
                assertBindsAlike(tree, outline, Requests.History.class);
                assertBindsAlike(tree, outline, Requests.Login.class);
            } else {
                assertThat(frame).as(what).isEqualTo(envelope);
            }
        }
    }

    private <T> void assertBindsAlike(Envelope envelope, Frame frame, Class<T> type) {
        Object fromTree = resultOrError(() -> codec.body(envelope, type));
        assertThat(resultOrError(() -> codec.body(frame, type))).isEqualTo(fromTree);
        assertThat(resultOrError(() -> codec.bodyOf(frame.data(), type, frame.service()))).isEqualTo(fromTree);
    }

    @Test
    void theDataOfAFrameIsItsMapAsSent() throws Exception {
        Frame frame = codec.read(codec.encode(Service.PUBLISH, new Requests.Publish("ana", "dev", "hi", "x"), stamp));
        assertThat(codec.bodyOf(frame.data(), Requests.Publish.class, "publish"))
                .isEqualTo(new Requests.Publish("ana", "dev", "hi", "x"));
        Frame empty = codec.read(codec.encode(Service.USERS, null, stamp));
        assertThat(empty.data()).hasSizeGreaterThan(1);
        assertThatThrownBy(() -> codec.read(null)).isInstanceOf(WireFormatException.class);
    }
}
