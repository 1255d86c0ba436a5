package io.zchat.system;

import io.zchat.shared.client.ChatClient;
import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Stamp;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import io.zchat.system.support.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Seeded random and mutated frames, a few thousand of them, at the servers' client side (through
 * the broker) and at ref: every one gets an answer (an "erro" with a description for what is not
 * a valid request), no loop dies, valid traffic works afterwards, and every server's files end
 * readable and byte-identical.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FuzzIT {
    private static final long SEED = 20261127L;
    private static final int FRAMES = 2_000;
    private static final Duration ANSWERS_WITHIN = Duration.ofSeconds(60);
    private static final List<String> SERVERS = List.of("server-1", "server-2", "server-3");
    private static final WireCodec CODEC = new WireCodec();
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster("fuzz").startInfrastructure();
        cluster.startServers(SERVERS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyBadFrameThroughTheBrokerIsAnsweredAndNothingIsLostOrDamaged() throws Exception {
        try (ChatClient client = cluster.client()) {
            assertThat(client.login("fuzz-ana").ok()).isTrue();
            assertThat(client.publish("fuzz-ana", "general", "before the fuzz").isOk()).isTrue();
        }
        Random random = new Random(SEED);
        int answered = sendAndCollect(cluster.brokerEndpoint(), true, random);
        System.out.println("fuzz: " + FRAMES + " frames through the broker, " + answered + " answered");
        assertThat(answered).isEqualTo(FRAMES);

        try (ChatClient client = cluster.client()) {
            assertThat(client.login("fuzz-bob").ok()).isTrue();
            assertThat(client.publish("fuzz-bob", "general", "after the fuzz").isOk()).isTrue();
            assertThat(client.channelHistory("general", 1000, null).messages()).extracting(m -> m.message())
                    .contains("before the fuzz", "after the fuzz");
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(digests()).hasSize(1));
        for (String name : SERVERS) {
            for (String line : Files.readAllLines(cluster.dataDir(name).resolve("replication.jsonl"))) {
                assertThat(line).startsWith("{\"seq\":").endsWith("}");
            }
        }
    }

    @Test
    void everyBadFrameAtRefIsAnswered() throws Exception {
        int answered = sendAndCollect(cluster.refEndpoint(), false, new Random(SEED + 1));
        System.out.println("fuzz: " + FRAMES + " frames at ref, " + answered + " answered");
        assertThat(answered).isEqualTo(FRAMES);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(cluster.ref().get("/actuator/health/readiness")).contains("\"UP\""));
    }

    /**
     * Malformed replication messages at every server's peer endpoint. (Well-formed ones from a
     * stranger are a question of authentication, which CURVE is to answer, not of bad input.)
     */
    @Test
    void everyBadFrameAtAServersPeerEndpointIsAnswered() throws Exception {
        for (String name : SERVERS) {
            PeerFrameGenerator generator = new PeerFrameGenerator(new Random(SEED + name.hashCode()));
            int answered = sendAndCollect(cluster.peerEndpoint(name), true, generator::next);
            System.out.println("fuzz: " + FRAMES + " frames at " + name + "'s peer endpoint, " + answered + " answered");
            assertThat(answered).as(name).isEqualTo(FRAMES);
        }
        try (ChatClient client = cluster.client()) {
            assertThat(client.login("fuzz-carol").ok()).isTrue();
            assertThat(client.publish("fuzz-carol", "general", "after the peer fuzz").isOk()).isTrue();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(digests()).hasSize(1));
    }

    /**
     * Sends the frames from one DEALER (as a REQ would: an empty delimiter, then the body; with
     * {@code pipelined}, with a correlation frame first and many in flight) and counts the answers
     * whose body is a readable frame.
     */
    private static int sendAndCollect(String endpoint, boolean pipelined, Random random) throws Exception {
        return sendAndCollect(endpoint, pipelined, new FrameGenerator(random)::next);
    }

    private interface Frames {
        List<byte[]> next() throws IOException;
    }

    private static int sendAndCollect(String endpoint, boolean pipelined, Frames generator) throws Exception {
        Set<Long> answered = new HashSet<>();
        try (ZContext context = new ZContext()) {
            ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
            dealer.setLinger(0);
            dealer.setReceiveTimeOut(100);
            dealer.connect(endpoint);
            long deadline = System.nanoTime() + ANSWERS_WITHIN.toNanos();
            for (long id = 0; id < FRAMES && System.nanoTime() < deadline; id++) {
                List<byte[]> body = generator.next();
                if (pipelined) {
                    dealer.sendMore(ByteBuffer.allocate(Long.BYTES).putLong(id).array());
                }
                dealer.sendMore(new byte[0]);
                for (int i = 0; i < body.size(); i++) {
                    dealer.send(body.get(i), i < body.size() - 1 ? ZMQ.SNDMORE : 0);
                }
                if (!pipelined) {
                    collect(dealer, answered, id, deadline);
                } else if (id % 100 == 99) {
                    drain(dealer, answered);
                }
            }
            while (pipelined && answered.size() < FRAMES && System.nanoTime() < deadline) {
                collect(dealer, answered, -1, deadline);
            }
        }
        return answered.size();
    }

    private static void drain(ZMQ.Socket dealer, Set<Long> answered) {
        List<byte[]> reply;
        while ((reply = receive(dealer, ZMQ.DONTWAIT)) != null) {
            record(reply, answered, -1);
        }
    }

    private static void collect(ZMQ.Socket dealer, Set<Long> answered, long id, long deadline) {
        int before = answered.size();
        while (answered.size() == before && System.nanoTime() < deadline) {
            List<byte[]> reply = receive(dealer, 0);
            if (reply != null) {
                record(reply, answered, id);
            }
        }
    }

    private static List<byte[]> receive(ZMQ.Socket dealer, int flags) {
        byte[] first = dealer.recv(flags);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>(List.of(first));
        while (dealer.hasReceiveMore()) {
            frames.add(dealer.recv());
        }
        return frames;
    }

    /** A reply is [correlation][empty][body] (or [empty][body] from ref); its body must be a frame of the contract. */
    private static void record(List<byte[]> reply, Set<Long> answered, long id) {
        byte[] body = reply.get(reply.size() - 1);
        try {
            Envelope envelope = CODEC.decode(body);
            assertThat(envelope.service()).isNotEmpty();
        } catch (WireFormatException e) {
            throw new AssertionError("an answer that is not a contract frame: " + e.getMessage());
        }
        if (id >= 0) {
            answered.add(id);
        } else if (reply.size() == 3 && reply.get(0).length == Long.BYTES) {
            answered.add(ByteBuffer.wrap(reply.get(0)).getLong());
        }
    }

    private static Set<String> digests() throws Exception {
        Set<String> digests = new HashSet<>();
        for (String name : SERVERS) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String file : List.of("replication.jsonl", "publications.jsonl", "messages.jsonl", "registry.json")) {
                Path path = cluster.dataDir(name).resolve(file);
                if (Files.exists(path)) {
                    sha.update(Files.readAllBytes(path));
                }
            }
            digests.add(HexFormat.of().formatHex(sha.digest()));
        }
        return digests;
    }

    /** Replication messages with missing or wrongly typed fields, and frames that are no message at all. */
    static final class PeerFrameGenerator {
        private final Random random;

        PeerFrameGenerator(Random random) {
            this.random = random;
        }

        List<byte[]> next() throws IOException {
            return switch (random.nextInt(10)) {
                case 0 -> List.of(FrameGenerator.bytes(random, 1 + random.nextInt(200)));
                case 1 -> List.of(new byte[0]);
                case 2 -> List.of(FrameGenerator.request("fetch", p -> p.packString("term").packArrayHeader(1)
                        .packInt(1), 1), new byte[3]);
                case 3 -> List.of(FrameGenerator.request("fetch", p -> { }, 0));
                case 4 -> List.of(FrameGenerator.request("fetch", p -> p.packString("node").packString("x")
                        .packString("term").packString("many"), 2));
                case 5 -> List.of(FrameGenerator.request("forward", p -> p.packString("writes").packString("all"), 1));
                case 6 -> List.of(FrameGenerator.request("forward", p -> p.packString("node").packString("x")
                        .packString("term").packInt(1).packString("writes").packArrayHeader(1).packMapHeader(1)
                        .packString("request").packInt(7), 3));
                case 7 -> List.of(FrameGenerator.request("replica_status", p -> p.packString("term")
                        .packMapHeader(0), 1));
                case 8 -> List.of(FrameGenerator.request("no-such-peer-service", p -> p.packString("a").packNil(), 1));
                default -> List.of(FrameGenerator.request("fetch", p -> p.packString("node").packMapHeader(1)
                        .packString("node").packMapHeader(0), 1));
            };
        }
    }

    /** Bodies of every kind of wrongness the contract can meet, and valid frames with a byte or two changed. */
    static final class FrameGenerator {
        private final Random random;
        private final List<byte[]> valid = new ArrayList<>();

        FrameGenerator(Random random) {
            this.random = random;
            Stamp stamp = new Stamp(Instant.parse("2026-11-27T10:00:00Z"), 7);
            valid.add(CODEC.encode("publish", new Requests.Publish("fuzz-ana", "general", "hello", null), stamp));
            valid.add(CODEC.encode("message", new Requests.Message("fuzz-ana", "fuzz-ana", "hi", null), stamp));
            valid.add(CODEC.encode("login", new Requests.Login("fuzz-eve", null), stamp));
            valid.add(CODEC.encode("channel", new Requests.Channel("fuzz-room", null), stamp));
            valid.add(CODEC.encode("history", new Requests.History("general", null, 5, null), stamp));
            valid.add(CODEC.encode("users", null, stamp));
        }

        List<byte[]> next() throws IOException {
            return switch (random.nextInt(12)) {
                case 0 -> List.of(randomBytes(1 + random.nextInt(200)));
                case 1 -> List.of(new byte[0]);
                case 2 -> List.of(mutate(pick()), randomBytes(4));
                case 3 -> List.of(pack(p -> p.packArrayHeader(2).packInt(1).packString("x")));
                case 4 -> List.of(request("publish", p -> p.packString("user").packInt(5).packString("channel")
                        .packArrayHeader(0).packString("message").packNil(), 3));
                case 5 -> List.of(request("login", p -> p.packString("user").packString("x".repeat(10_000)), 1));
                case 6 -> List.of(request("login", p -> p.packString("user").packString("a\u0000b\u001b[31m"), 1));
                case 7 -> List.of(request("no-such-service", p -> p.packString("x").packInt(1), 1));
                case 8 -> List.of(deeplyNested(5_000));
                case 9 -> List.of(invalidUtf8());
                case 10 -> List.of(request("channel", p -> p.packString("channel").packString("servers"), 1));
                default -> List.of(mutate(pick()));
            };
        }

        private byte[] pick() {
            return valid.get(random.nextInt(valid.size()));
        }

        private byte[] mutate(byte[] frame) {
            byte[] copy = frame.clone();
            int changes = 1 + random.nextInt(3);
            for (int i = 0; i < changes; i++) {
                copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
            }
            return random.nextInt(4) == 0 ? java.util.Arrays.copyOf(copy, random.nextInt(copy.length)) : copy;
        }

        private byte[] randomBytes(int length) {
            return bytes(random, length);
        }

        static byte[] bytes(Random random, int length) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            return bytes;
        }

        interface Fields {
            void write(MessageBufferPacker packer) throws IOException;
        }

        private static byte[] pack(Fields fields) throws IOException {
            MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
            fields.write(packer);
            return packer.toByteArray();
        }

        /** {service, data: {fields}} with {@code count} data fields written by {@code fields}. */
        static byte[] request(String service, Fields fields, int count) throws IOException {
            return pack(p -> {
                p.packMapHeader(2).packString("service").packString(service).packString("data").packMapHeader(count);
                fields.write(p);
            });
        }

        private static byte[] deeplyNested(int depth) throws IOException {
            return pack(p -> {
                p.packMapHeader(2).packString("service").packString("publish").packString("data");
                for (int i = 0; i < depth; i++) {
                    p.packMapHeader(1).packString("user");
                }
                p.packString("bottom");
            });
        }

        private static byte[] invalidUtf8() throws IOException {
            byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 'a'};
            return pack(p -> {
                p.packMapHeader(2).packString("service").packString("login").packString("data").packMapHeader(1)
                        .packString("user").packRawStringHeader(bad.length);
                p.writePayload(bad);
            });
        }
    }
}
