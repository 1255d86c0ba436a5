package io.zchat.system;

import io.zchat.shared.client.ChatClient;
import io.zchat.shared.client.RequestFailedException;
import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Stamp;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import io.zchat.system.support.LocalCluster;
import io.zchat.system.support.NodeProcess;
import io.zchat.system.support.ServerFiles;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Seeded random and mutated frames, a few thousand of them, at the servers' client side (through
 * the broker), at their peer endpoints, at ref and at the proxy, and frames over the size limit: every one gets an answer (an "erro" with a description for what is not
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
    private static final byte[] FUZZ_TOPIC = "fuzz:".getBytes(java.nio.charset.StandardCharsets.UTF_8);
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
        ServerFiles.awaitIdentical(cluster, SERVERS, ServerFiles.ALL, Duration.ofSeconds(30));
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
        ServerFiles.awaitIdentical(cluster, SERVERS, ServerFiles.ALL, Duration.ofSeconds(30));
    }

    /**
     * A stranger on the broker's server side sending random "replies" (random routing frames and
     * bodies): the broker drops and counts every one it cannot route, and keeps relaying for the
     * real servers.
     */
    @Test
    void randomRepliesAtTheBrokersServerSideAreDroppedAndCounted() throws Exception {
        double before = brokerDroppedReplies();
        Random random = new Random(SEED + 3);
        try (ZContext context = new ZContext()) {
            ZMQ.Socket rogue = context.createSocket(SocketType.DEALER);
            rogue.setLinger(0);
            rogue.connect(cluster.brokerBackendEndpoint());
            Thread.sleep(300);
            for (int i = 0; i < FRAMES; i++) {
                int count = 1 + random.nextInt(4);
                for (int f = 0; f < count; f++) {
                    rogue.send(FrameGenerator.bytes(random, random.nextInt(30)), f < count - 1 ? ZMQ.SNDMORE : 0);
                }
            }
            await().atMost(ANSWERS_WITHIN).pollInterval(Duration.ofMillis(200))
                    .until(() -> brokerDroppedReplies() >= before + FRAMES);
        }
        System.out.println("fuzz: " + FRAMES + " random replies at the broker's server side, dropped and counted: "
                + (brokerDroppedReplies() - before));
        try (ChatClient client = cluster.client()) {
            assertThat(client.login("fuzz-hal").ok()).isTrue();
            assertThat(client.publish("fuzz-hal", "general", "after the random replies").isOk()).isTrue();
        }
    }

    private static double brokerDroppedReplies() throws Exception {
        return cluster.broker().metric("chat_broker_dropped_total", "direction", "reply").orElse(-1);
    }

    /**
     * A frame over chat.zmq.max-message-size (1 MB here) at every listening socket: ZeroMQ drops it
     * with the connection, the node counts the closed connection and keeps serving; the client
     * library refuses to send such a request at all, with the reason, instead of timing out.
     */
    @Test
    void oversizedFramesAreDroppedWithTheirConnectionAndCounted() throws Exception {
        byte[] oversized = new byte[2 * 1024 * 1024];
        Map<String, NodeProcess> targets = new LinkedHashMap<>();
        targets.put("frontend", cluster.broker());
        targets.put("ref", cluster.ref());
        targets.put("peers", cluster.server("server-1"));
        Map<String, String> endpoints = Map.of("frontend", cluster.brokerEndpoint(), "ref", cluster.refEndpoint(),
                "peers", cluster.peerEndpoint("server-1"));
        for (Map.Entry<String, NodeProcess> target : targets.entrySet()) {
            String socket = target.getKey();
            double before = closedConnections(target.getValue(), socket);
            try (ZContext context = new ZContext()) {
                ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
                dealer.setLinger(0);
                dealer.setReceiveTimeOut(1_000);
                dealer.connect(endpoints.get(socket));
                dealer.sendMore(new byte[0]);
                dealer.send(oversized);
                assertThat(dealer.recv()).as("an answer to an oversized frame at " + socket).isNull();
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(closedConnections(target.getValue(), socket)).as(socket).isGreaterThan(before));
            System.out.println("oversized frame at " + socket + ": dropped, closed connections "
                    + before + " -> " + closedConnections(target.getValue(), socket));
        }
        double proxyBefore = closedConnections(cluster.proxy(), "xpub");
        try (ZContext context = new ZContext()) {
            ZMQ.Socket xsub = context.createSocket(SocketType.XSUB);
            xsub.setLinger(0);
            xsub.connect(cluster.xpubEndpoint());
            // a frame that is neither a subscription (1) nor an unsubscription (0) goes upstream as
            // it is; an XSUB drops what it sends before it is connected, so it is sent until one arrives
            byte[] subscription = oversized.clone();
            subscription[0] = 2;
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                xsub.send(subscription, ZMQ.DONTWAIT);
                assertThat(closedConnections(cluster.proxy(), "xpub")).isGreaterThan(proxyBefore);
            });
        }

        try (ChatClient client = cluster.client()) {
            assertThat(client.login("fuzz-dan").ok()).isTrue();
            long started = System.nanoTime();
            assertThatThrownBy(() -> client.publish("fuzz-dan", "general", "x".repeat(1_100_000)))
                    .isInstanceOf(RequestFailedException.class).hasMessageContaining("chat.zmq.max-message-size");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused before any timeout")
                    .isLessThan(Duration.ofSeconds(2));
            assertThat(client.publish("fuzz-dan", "general", "after the oversized frames").isOk()).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(cluster.ref().get("/actuator/health/readiness")).contains("\"UP\""));
    }

    /**
     * Random and mutated publications (any number of frames, empty ones, bodies that are not
     * MessagePack) into the proxy's XSUB, and random subscription frames into its XPUB: the proxy
     * forwards every publication as it came, and still delivers a valid one afterwards.
     */
    @Test
    void everyBadFrameAtTheProxyIsForwardedAndTheProxyKeepsWorking() throws Exception {
        Random random = new Random(SEED + 2);
        FrameGenerator bodies = new FrameGenerator(random);
        try (ZContext context = new ZContext()) {
            ZMQ.Socket everything = context.createSocket(SocketType.SUB);
            everything.setLinger(0);
            everything.setRcvHWM(FRAMES * 2);
            everything.connect(cluster.xpubEndpoint());
            everything.subscribe(FUZZ_TOPIC);
            ZMQ.Socket pub = context.createSocket(SocketType.PUB);
            pub.setLinger(0);
            pub.setSndHWM(FRAMES * 2);
            pub.connect(cluster.xsubEndpoint());
            awaitDelivery(pub, everything);

            ZMQ.Socket subscriptions = context.createSocket(SocketType.XSUB);
            subscriptions.setLinger(0);
            subscriptions.connect(cluster.xpubEndpoint());
            for (int i = 0; i < FRAMES; i++) {
                byte[] frame = FrameGenerator.bytes(random, random.nextInt(40));
                subscriptions.send(frame);
            }

            int delivered = 0;
            long deadline = System.nanoTime() + ANSWERS_WITHIN.toNanos();
            everything.setReceiveTimeOut(100);
            for (int i = 0; i < FRAMES; i++) {
                List<byte[]> frames = new ArrayList<>();
                int count = 1 + random.nextInt(4);
                // the first frame is the topic: after the prefix that keeps the servers' own publications out, anything
                ByteBuffer topic = ByteBuffer.allocate(FUZZ_TOPIC.length + 20).put(FUZZ_TOPIC);
                topic.put(FrameGenerator.bytes(random, random.nextInt(20)));
                frames.add(java.util.Arrays.copyOf(topic.array(), topic.position()));
                for (int f = 1; f < count; f++) {
                    frames.add(random.nextBoolean() ? bodies.next().get(0) : FrameGenerator.bytes(random,
                            random.nextInt(30)));
                }
                for (int f = 0; f < count; f++) {
                    pub.send(frames.get(f), f < count - 1 ? ZMQ.SNDMORE : 0);
                }
                if (i % 100 == 99) {
                    delivered += drainMessages(everything, ZMQ.DONTWAIT);
                }
            }
            while (delivered < FRAMES && System.nanoTime() < deadline) {
                delivered += drainMessages(everything, 0);
            }
            System.out.println("fuzz: " + FRAMES + " random publications through the proxy, " + delivered
                    + " delivered; " + FRAMES + " random subscription frames at its XPUB");
            assertThat(delivered).isEqualTo(FRAMES);
        }
        List<String> heard = new CopyOnWriteArrayList<>();
        cluster.subscriber("fuzz-sub", p -> heard.add(p.envelope().data().path("message").asText()))
                .subscribe("general");
        try (ChatClient client = cluster.client()) {
            assertThat(client.login("fuzz-fay").ok()).isTrue();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                assertThat(client.publish("fuzz-fay", "general", "after the proxy fuzz").isOk()).isTrue();
                assertThat(heard).contains("after the proxy fuzz");
            });
        }
        assertThat(cluster.proxy().readiness()).isEqualTo(200);
    }

    /**
     * A subscription to a 100 KB topic, well under the size limit: JeroMQ keeps subscriptions in a
     * trie it walks recursively, one call per byte, so such a topic would overflow the stack of the
     * thread that reads it. The proxy takes subscriptions only as long as a topic can be, and drops
     * (and counts) the connection of a subscriber that sends a longer one.
     */
    @Test
    void aSubscriptionToAHugeTopicDoesNotStopTheProxy() throws Exception {
        double before = closedConnections(cluster.proxy(), "xpub");
        byte[] subscription = new byte[100_000];
        java.util.Arrays.fill(subscription, (byte) 'a');
        subscription[0] = 1;
        Throwable[] failure = new Throwable[1];
        // this side's XSUB keeps its own subscriptions in the same kind of trie: a thread with room for it
        Thread sender = new Thread(null, () -> {
            try (ZContext context = new ZContext()) {
                ZMQ.Socket xsub = context.createSocket(SocketType.XSUB);
                xsub.setLinger(0);
                xsub.connect(cluster.xpubEndpoint());
                // sent from this thread (Awaitility would poll on its own): until the proxy has seen one
                for (int attempt = 0; attempt < 50 && closedConnections(cluster.proxy(), "xpub") <= before; attempt++) {
                    xsub.send(subscription, ZMQ.DONTWAIT);
                    Thread.sleep(200);
                }
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "huge-subscription", 256L * 1024 * 1024);
        sender.start();
        sender.join(30_000);
        assertThat(failure[0]).isNull();
        assertThat(closedConnections(cluster.proxy(), "xpub")).as("the subscriber's connection, dropped")
                .isGreaterThan(before);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(cluster.proxy().get("/actuator/health/readiness")).contains("\"UP\""));
        List<String> heard = new CopyOnWriteArrayList<>();
        cluster.subscriber("fuzz-sub-2", p -> heard.add(p.envelope().data().path("message").asText()))
                .subscribe("general");
        try (ChatClient client = cluster.client()) {
            assertThat(client.login("fuzz-gil").ok()).isTrue();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                assertThat(client.publish("fuzz-gil", "general", "after the huge subscription").isOk()).isTrue();
                assertThat(heard).contains("after the huge subscription");
            });
        }
    }

    /** Sends probes until the subscriber hears one (its subscription has reached the publisher), then drains. */
    private static void awaitDelivery(ZMQ.Socket pub, ZMQ.Socket sub) throws InterruptedException {
        sub.setReceiveTimeOut(50);
        for (int attempt = 0; attempt < 200; attempt++) {
            pub.send(FUZZ_TOPIC);
            if (sub.recv() != null) {
                Thread.sleep(100);
                drainMessages(sub, ZMQ.DONTWAIT);
                return;
            }
        }
        throw new AssertionError("the subscription did not reach the publisher through the proxy");
    }

    /** Receives whole messages until none is waiting (or, with flags 0, one receive timeout passes). */
    private static int drainMessages(ZMQ.Socket sub, int flags) {
        int messages = 0;
        while (sub.recv(messages == 0 ? flags : ZMQ.DONTWAIT) != null) {
            while (sub.hasReceiveMore()) {
                sub.recv();
            }
            messages++;
        }
        return messages;
    }

    private static double closedConnections(NodeProcess node, String socket) throws Exception {
        return node.metric("chat_zmq_connections_closed_total", "socket", socket).orElse(-1);
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
