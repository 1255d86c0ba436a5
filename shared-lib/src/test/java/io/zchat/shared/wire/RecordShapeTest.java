package io.zchat.shared.wire;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The field-by-field path gives what the mapper gives: the same bytes out, the same records or errors in. */
class RecordShapeTest {
    private final WireCodec codec = new WireCodec();
    private final Stamp stamp = new Stamp(Instant.parse("2026-11-27T10:15:30.123Z"), 42);

    /** Like the replication messages: primitives, nullable boxes, bytes, and lists of bytes and of records. */
    record Item(String fid, long seq, boolean created, String error) {
    }

    record Batch(String node, long term, int count, Long truncate, Boolean flag, byte[] raw, List<byte[]> lines,
                 List<Item> items, Instant at, Item first) {
    }

    record Renamed(@JsonProperty("who") String user) {
    }

    record WithGetter(String user) {
        public String getExtra() {
            return "extra";
        }
    }

    record WithIgnoredGetter(String user) {
        @JsonIgnore
        public boolean isSet() {
            return user != null;
        }
    }

    private static final String LONG_TEXT = "x".repeat(300) + "ção";

    private final List<Object> bodies = List.of(
            new Requests.Publish("ana", "dev", "olá, mundo", "id-1"),
            new Requests.Publish("ana", "dev", LONG_TEXT, null),
            new Requests.Message("ana", "bob", "", "id-2"),
            new Requests.History("dev", null, 5, 10L),
            new Requests.Empty(),
            Replies.Ack.ok(),
            Replies.Ack.error("no such channel"),
            Replies.Status.success(),
            new Replies.Users(List.of("a", "b")),
            Replies.History.of(List.of(HistoryEntry.post("ana", "dev", "hi", stamp),
                    HistoryEntry.direct("ana", "bob", "psst", stamp))),
            new Publications.Post("ana", "dev", "hi"),
            new Batch("server-1", 1_800_000_000_000L, -7, null, true, new byte[] {1, 2, 3},
                    List.of("{\"seq\":1}".getBytes(), new byte[300]),
                    List.of(new Item("f1", 1L << 40, true, null), new Item("f2", 0, false, "bad")),
                    Instant.parse("2026-01-01T00:00:00Z"), new Item("f0", -1, false, null)),
            new Batch(null, Long.MIN_VALUE, Integer.MAX_VALUE, 12L, null, null, List.of(), List.of(), null, null));

    @Test
    void writesTheBytesTheMapperWrites() {
        for (Object body : bodies) {
            assertThat(RecordShape.of(body.getClass(), codec::mapperProperties)).as(body.toString()).isNotNull();
            assertThat(codec.encode("svc", body, stamp)).as(body.toString())
                    .isEqualTo(codec.encodeWithMapper("svc", body, stamp));
        }
    }

    @Test
    void bindsWhatTheMapperBinds() throws Exception {
        for (Object body : bodies) {
            Frame frame = codec.read(codec.encode("svc", body, stamp));
            RecordShape shape = RecordShape.of(body.getClass(), codec::mapperProperties);
            try (var in = MessagePack.newDefaultUnpacker(frame.bytes(), frame.dataOffset(), frame.dataLength())) {
                assertThat(shape.read(in)).as("bound without the mapper").usingRecursiveComparison().isEqualTo(body);
            }
            Object plain = codec.body(frame, body.getClass());
            Object mapped = codec.bindWithMapper(frame.bytes(), frame.dataOffset(), frame.dataLength(), body.getClass(),
                    "svc");
            assertThat(plain).usingRecursiveComparison().isEqualTo(mapped);
            assertThat(plain).usingRecursiveComparison().isEqualTo(body);
        }
    }

    @Test
    void recordsTheMapperSeesDifferentlyKeepTheMapper() {
        assertThat(RecordShape.of(Renamed.class, codec::mapperProperties)).isNull();
        assertThat(RecordShape.of(WithGetter.class, codec::mapperProperties)).isNull();
        assertThat(codec.encode("svc", new Renamed("ana"), stamp))
                .isEqualTo(codec.encodeWithMapper("svc", new Renamed("ana"), stamp));
        assertThat(codec.encode("svc", new WithGetter("ana"), stamp))
                .isEqualTo(codec.encodeWithMapper("svc", new WithGetter("ana"), stamp));
        assertThat(RecordShape.of(WithIgnoredGetter.class, codec::mapperProperties)).isNotNull();
    }

    @Test
    void inputOutsideThePlainFormIsBoundOrRefusedByTheMapper() throws IOException, WireFormatException {
        List<Consumer<MessageBufferPacker>> odd = List.of(
                p -> entry(p, "seq", q -> q.packString("12")),           // number as text: the mapper coerces it
                p -> entry(p, "seq", MessageBufferPacker::packNil),      // null for a primitive: 0
                p -> entry(p, "fid", q -> q.packInt(7)),                 // number for text: "7"
                p -> entry(p, "created", q -> q.packString("yes")),      // not a boolean: an error
                p -> entry(p, "seq", q -> q.packBigInteger(new java.math.BigInteger("18446744073709551615"))),
                p -> entry(p, "fid", q -> q.packArrayHeader(0)),         // list for text: an error
                p -> {                                                   // duplicate key: the last one wins
                    entry(p, "fid", q -> q.packString("a"));
                    entry(p, "fid", q -> q.packString("b"));
                },
                p -> entry(p, "other", q -> q.packMapHeader(0)));        // unknown key: skipped
        for (Consumer<MessageBufferPacker> fields : odd) {
            byte[] data = dataMap(fields);
            Object viaMapper;
            try {
                viaMapper = codec.bindWithMapper(data, 0, data.length, Item.class, "svc");
            } catch (WireFormatException e) {
                Throwable plain = catchThrowable(() -> codec.bodyOf(data, Item.class, "svc"));
                assertThat(plain).isInstanceOf(WireFormatException.class).hasMessage(e.getMessage());
                continue;
            }
            assertThat(codec.bodyOf(data, Item.class, "svc")).isEqualTo(viaMapper);
        }
    }

    @Test
    void aDataMapThatIsNotAMapIsRefusedAsBefore() throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packString("not a map");
        byte[] data = p.toByteArray();
        assertThatThrownBy(() -> codec.bodyOf(data, Item.class, "svc")).isInstanceOf(WireFormatException.class);
    }

    private interface Value {
        void pack(MessageBufferPacker packer) throws IOException;
    }

    private static void entry(MessageBufferPacker packer, String key, Value value) {
        try {
            packer.packString(key);
            value.pack(packer);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A map of {fid: "f", seq: 1} and the entries the consumer adds (the header counts them). */
    private static byte[] dataMap(Consumer<MessageBufferPacker> extra) throws IOException {
        MessageBufferPacker counted = MessagePack.newDefaultBufferPacker();
        extra.accept(counted);
        int entries = countEntries(counted.toByteArray());
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(2 + entries);
        p.packString("fid").packString("f");
        p.packString("seq").packLong(1);
        extra.accept(p);
        return p.toByteArray();
    }

    private static int countEntries(byte[] keysAndValues) throws IOException {
        int values = 0;
        try (var in = MessagePack.newDefaultUnpacker(keysAndValues)) {
            while (in.hasNext()) {
                in.skipValue();
                values++;
            }
        }
        return values / 2;
    }
}
