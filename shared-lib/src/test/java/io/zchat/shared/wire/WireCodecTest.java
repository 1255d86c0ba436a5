package io.zchat.shared.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.jackson.dataformat.MessagePackFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireCodecTest {
    private final WireCodec codec = new WireCodec();
    private final Stamp stamp = new Stamp(Instant.parse("2026-11-27T10:15:30.123Z"), 42);

    private <T> T roundTrip(Service service, T body, Class<T> type) throws WireFormatException {
        Envelope envelope = codec.decode(codec.encode(service, body, stamp));
        assertThat(envelope.service()).isEqualTo(service.wireName());
        assertThat(envelope.stamp()).isEqualTo(stamp);
        return codec.body(envelope, type);
    }

    @Test
    void everyRequestSurvivesARoundTrip() throws WireFormatException {
        assertThat(roundTrip(Service.LOGIN, new Requests.Login("ana", "id-1"), Requests.Login.class))
                .isEqualTo(new Requests.Login("ana", "id-1"));
        assertThat(roundTrip(Service.CHANNEL, new Requests.Channel("dev", null), Requests.Channel.class))
                .isEqualTo(new Requests.Channel("dev", null));
        assertThat(roundTrip(Service.PUBLISH, new Requests.Publish("ana", "dev", "hi", "x"), Requests.Publish.class))
                .isEqualTo(new Requests.Publish("ana", "dev", "hi", "x"));
        assertThat(roundTrip(Service.MESSAGE, new Requests.Message("ana", "bob", "olá", "y"), Requests.Message.class))
                .isEqualTo(new Requests.Message("ana", "bob", "olá", "y"));
        assertThat(roundTrip(Service.HISTORY, new Requests.History("dev", null, 5, 10L), Requests.History.class))
                .isEqualTo(new Requests.History("dev", null, 5, 10L));
        assertThat(roundTrip(Service.USERS, new Requests.Empty(), Requests.Empty.class)).isNotNull();
        assertThat(roundTrip(Service.RANK, new Requests.Rank("server-1", "tcp://h:7001"), Requests.Rank.class))
                .isEqualTo(new Requests.Rank("server-1", "tcp://h:7001"));
        assertThat(roundTrip(Service.HEARTBEAT, new Requests.Heartbeat("server-1"), Requests.Heartbeat.class))
                .isEqualTo(new Requests.Heartbeat("server-1"));
    }

    @Test
    void everyReplySurvivesARoundTrip() throws WireFormatException {
        assertThat(roundTrip(Service.LOGIN, Replies.Status.error("bad"), Replies.Status.class))
                .isEqualTo(Replies.Status.error("bad"));
        assertThat(roundTrip(Service.PUBLISH, Replies.Ack.ok(), Replies.Ack.class)).isEqualTo(Replies.Ack.ok());
        assertThat(roundTrip(Service.USERS, new Replies.Users(List.of("a", "b")), Replies.Users.class))
                .isEqualTo(new Replies.Users(List.of("a", "b")));
        assertThat(roundTrip(Service.CHANNELS, new Replies.Channels(List.of("general")), Replies.Channels.class))
                .isEqualTo(new Replies.Channels(List.of("general")));
        Replies.History history = Replies.History.of(List.of(
                HistoryEntry.post("ana", "dev", "hi", stamp), HistoryEntry.direct("ana", "bob", "psst", stamp)));
        assertThat(roundTrip(Service.HISTORY, history, Replies.History.class)).isEqualTo(history);
        Replies.ServerList list = new Replies.ServerList(List.of(new Replies.ServerInfo("s1", 1, "tcp://a:1")));
        assertThat(roundTrip(Service.LIST, list, Replies.ServerList.class)).isEqualTo(list);
        assertThat(roundTrip(Service.CLOCK, new Replies.Clock(123L), Replies.Clock.class)).isEqualTo(new Replies.Clock(123L));
        assertThat(roundTrip(Service.ELECTION, new Replies.Election("OK"), Replies.Election.class))
                .isEqualTo(new Replies.Election("OK"));
        assertThat(roundTrip(Service.RANK, new Replies.Rank(2), Replies.Rank.class)).isEqualTo(new Replies.Rank(2));
    }

    @Test
    void publicationsSurviveARoundTrip() throws WireFormatException {
        assertThat(roundTrip(Service.PUBLISH, new Publications.Post("ana", "dev", "hi"), Publications.Post.class))
                .isEqualTo(new Publications.Post("ana", "dev", "hi"));
        assertThat(roundTrip(Service.MESSAGE, new Publications.Direct("a", "b", "c"), Publications.Direct.class))
                .isEqualTo(new Publications.Direct("a", "b", "c"));
        assertThat(roundTrip(Service.ELECTION, new Publications.Coordinator("server-2"), Publications.Coordinator.class))
                .isEqualTo(new Publications.Coordinator("server-2"));
    }

    /** A body with a stamp field of its own: the envelope's stamp replaces it. */
    record Stamped(String text, String timestamp, long clock) {
    }

    record Wide(int a, int b, int c, int d, int e, int f, int g, int h, int i, int j, int k, int l, int m, int n,
                int o, int p) {
    }

    @Test
    void encodesRecordsExactlyAsTheirTreesWould() throws Exception {
        ObjectMapper msgpack = new ObjectMapper(new MessagePackFactory())
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
        List<Object> bodies = List.of(new Requests.Login("ana", null), Replies.Ack.ok(),
                new Publications.Post("ana", "dev", "olá ".repeat(40)), new Requests.Empty(),
                new Wide(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16),
                Replies.History.of(List.of(HistoryEntry.post("ana", "dev", "hi", stamp))));
        for (Object body : bodies) {
            ObjectNode data = codec.tree(body);
            data.put("timestamp", "2026-11-27T10:15:30.123Z");
            data.put("clock", 42L);
            ObjectNode root = msgpack.createObjectNode();
            root.put("service", "publish");
            root.set("data", data);
            assertThat(codec.encode("publish", body, stamp)).as(body.toString())
                    .isEqualTo(msgpack.writeValueAsBytes(root));
        }
    }

    @Test
    void theStampReplacesABodysOwnStampFieldsAndANullBodyIsAnEmptyMap() throws WireFormatException {
        Envelope stamped = codec.decode(codec.encode("x", new Stamped("hi", "then", 7), stamp));
        assertThat(stamped.stamp()).isEqualTo(stamp);
        assertThat(stamped.data().size()).isEqualTo(3);
        assertThat(stamped.data().get("text").asText()).isEqualTo("hi");

        Envelope empty = codec.decode(codec.encode("users", null, stamp));
        assertThat(empty.stamp()).isEqualTo(stamp);
        assertThat(empty.data().size()).isEqualTo(2);
    }

    @Test
    void encodesTimestampAsIsoMillisAndNoNullFields() throws IOException, WireFormatException {
        byte[] bytes = codec.encode(Service.LOGIN, new Requests.Login("ana", null), stamp);
        Envelope envelope = codec.decode(bytes);
        assertThat(envelope.data().get("timestamp").asText()).isEqualTo("2026-11-27T10:15:30.123Z");
        assertThat(envelope.data().get("clock").asLong()).isEqualTo(42);
        assertThat(envelope.data().has("id")).isFalse();
    }

    @Test
    void acceptsUnknownFieldsNumericTimestampsAndMissingClock() throws IOException, WireFormatException {
        Envelope millis = codec.decode(pack("login", "user", "ana", "timestamp", 1_764_000_000_123L, "extra", "x"));
        assertThat(millis.stamp().timestamp()).isEqualTo(Instant.ofEpochMilli(1_764_000_000_123L));
        assertThat(millis.clock()).isZero();
        assertThat(codec.body(millis, Requests.Login.class).user()).isEqualTo("ana");

        Envelope seconds = codec.decode(pack("login", "user", "ana", "timestamp", 1_764_000_000.5, "clock", 7));
        assertThat(seconds.stamp().timestamp()).isEqualTo(Instant.ofEpochMilli(1_764_000_000_500L));
        assertThat(seconds.clock()).isEqualTo(7);

        Envelope offset = codec.decode(pack("login", "user", "ana", "timestamp", "2026-11-27T11:15:30+01:00"));
        assertThat(offset.stamp().timestamp()).isEqualTo(Instant.parse("2026-11-27T10:15:30Z"));
    }

    @Test
    void refusesWhatIsNotAContractMessage() throws IOException {
        assertThatThrownBy(() -> codec.decode(new byte[0])).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> codec.decode("not msgpack at all".getBytes()))
                .isInstanceOf(WireFormatException.class);
        MessageBufferPacker array = MessagePack.newDefaultBufferPacker();
        array.packArrayHeader(1).packInt(1);
        assertThatThrownBy(() -> codec.decode(array.toByteArray())).hasMessageContaining("not a MessagePack map");
        MessageBufferPacker noService = MessagePack.newDefaultBufferPacker();
        noService.packMapHeader(1).packString("data").packMapHeader(0);
        assertThatThrownBy(() -> codec.decode(noService.toByteArray())).hasMessageContaining("service");
        assertThatThrownBy(() -> codec.decode(pack("login", "timestamp", "yesterday")))
                .hasMessageContaining("timestamp");
        assertThatThrownBy(() -> codec.decode(pack("login", "clock", "many"))).hasMessageContaining("clock");
    }

    @Test
    void wrongFieldTypeNamesTheField() throws IOException, WireFormatException {
        Envelope envelope = codec.decode(pack("history", "channel", "dev", "limit", "lots"));
        assertThatThrownBy(() -> codec.body(envelope, Requests.History.class)).hasMessageContaining("'limit'");
    }

    /** A {service, data} map built by hand, as a client written elsewhere would send it. */
    static byte[] pack(String service, Object... keyValues) throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(2).packString("service").packString(service).packString("data");
        p.packMapHeader(keyValues.length / 2);
        for (int i = 0; i < keyValues.length; i += 2) {
            p.packString((String) keyValues[i]);
            Object v = keyValues[i + 1];
            if (v instanceof String s) {
                p.packString(s);
            } else if (v instanceof Long l) {
                p.packLong(l);
            } else if (v instanceof Integer n) {
                p.packInt(n);
            } else if (v instanceof Double d) {
                p.packDouble(d);
            }
        }
        return p.toByteArray();
    }
}
