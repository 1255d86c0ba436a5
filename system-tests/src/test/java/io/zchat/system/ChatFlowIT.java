package io.zchat.system;

import io.zchat.shared.client.ChatClient;
import io.zchat.shared.client.ChatSubscriber;
import io.zchat.shared.client.Publication;
import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.HistoryEntry;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.Stamp;
import io.zchat.shared.wire.WireFormatException;
import io.zchat.system.support.LocalCluster;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Broker, proxy and one server as processes on loopback, driven through the client library. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatFlowIT {
    /** One server alone: a write is durable once it is on this server. */
    private static final String SINGLE = "--chat.replication.min-acks=1";
    @AutoClose
    private static LocalCluster cluster;
    private static ChatClient client;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster("chat-flow").startInfrastructure();
        cluster.startServer("server-1", SINGLE);
        client = cluster.client();
    }

    @Test
    @Order(1)
    void loginUsersChannelAndChannels() {
        assertThat(client.channels()).containsExactly("general");
        assertThat(client.login("ana").ok()).isTrue();
        assertThat(client.login("bob").ok()).isTrue();
        assertThat(client.users()).contains("ana", "bob");

        assertThat(client.createChannel("dev").ok()).isTrue();
        Replies.Status again = client.createChannel("dev");
        assertThat(again.ok()).isFalse();
        assertThat(again.description()).contains("already exists");
        assertThat(client.createChannel("ana").description()).contains("user name");
        assertThat(client.createChannel("servers").description()).contains("reserved");
        assertThat(client.createChannel("two words").description()).contains("whitespace");
        assertThat(client.login("dev").ok()).isFalse();
        assertThat(client.channels()).containsExactly("general", "dev");
    }

    @Test
    @Order(2)
    void subscribersGetExactlyTheirTopics() {
        client.login("anabel");
        client.createChannel("devops");
        List<Publication> toAna = new CopyOnWriteArrayList<>();
        List<Publication> toDev = new CopyOnWriteArrayList<>();
        ChatSubscriber ana = cluster.subscriber("sub-ana", toAna::add);
        ChatSubscriber dev = cluster.subscriber("sub-dev", toDev::add);
        ana.subscribe("ana");
        dev.subscribe("dev");

        // a subscription takes a moment to reach the proxy: send until the first one arrives
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            client.message("bob", "ana", "ping");
            client.publish("bob", "dev", "ping");
            return !toAna.isEmpty() && !toDev.isEmpty();
        });

        client.message("bob", "anabel", "for anabel only");
        client.publish("bob", "devops", "for devops only");
        client.message("bob", "ana", "for ana");
        client.publish("bob", "dev", "for dev");

        await().atMost(Duration.ofSeconds(5))
                .until(() -> texts(toAna).contains("for ana") && texts(toDev).contains("for dev"));
        // sent before them on the same path, the prefix matches were filtered out, not delayed
        assertThat(texts(toAna)).filteredOn(t -> !t.equals("ping")).containsExactly("for ana");
        assertThat(texts(toDev)).filteredOn(t -> !t.equals("ping")).containsExactly("for dev");
        assertThat(toAna).allSatisfy(p -> {
            assertThat(p.topic()).isEqualTo("ana");
            assertThat(p.envelope().service()).isEqualTo("message");
            assertThat(p.envelope().data().get("dst").asText()).isEqualTo("ana");
        });
        assertThat(toDev).allSatisfy(p -> {
            assertThat(p.topic()).isEqualTo("dev");
            assertThat(p.envelope().service()).isEqualTo("publish");
            assertThat(p.envelope().data().get("channel").asText()).isEqualTo("dev");
        });
        assertThat(ana.filteredCount()).isPositive();
        assertThat(dev.filteredCount()).isPositive();
    }

    @Test
    @Order(3)
    void historyReturnsWhatWasPostedInOrder() {
        client.createChannel("history");
        for (int i = 1; i <= 5; i++) {
            assertThat(client.publish("ana", "history", "post " + i).isOk()).isTrue();
        }
        List<HistoryEntry> all = client.channelHistory("history", null, null).messages();
        assertThat(all).extracting(HistoryEntry::message).containsExactly("post 1", "post 2", "post 3", "post 4", "post 5");
        assertThat(all).extracting(HistoryEntry::user).containsOnly("ana");
        assertThat(all).extracting(HistoryEntry::clock).isSorted();

        List<HistoryEntry> lastTwo = client.channelHistory("history", 2, null).messages();
        assertThat(lastTwo).extracting(HistoryEntry::message).containsExactly("post 4", "post 5");
        List<HistoryEntry> since = client.channelHistory("history", null, all.get(2).clock()).messages();
        assertThat(since).extracting(HistoryEntry::message).containsExactly("post 4", "post 5");

        client.message("ana", "bob", "direct to bob");
        assertThat(client.userHistory("bob", null, null).messages())
                .anySatisfy(e -> assertThat(e.message()).isEqualTo("direct to bob"));
        Replies.History unknown = client.channelHistory("nowhere", null, null);
        assertThat(unknown.status()).isEqualTo("erro");
        assertThat(unknown.description()).contains("unknown channel");
    }

    @Test
    @Order(4)
    void malformedFramesAndUnknownServicesGetErroAndTheServerGoesOn() throws WireFormatException {
        Envelope garbage = cluster.codec().decode(client.requestRaw("definitely not msgpack".getBytes()));
        assertThat(garbage.service()).isEqualTo("error");
        assertThat(garbage.data().get("status").asText()).isEqualTo("erro");
        assertThat(garbage.data().get("description").asText()).contains("MessagePack");

        Envelope unknown = client.request("teleport", new Requests.Empty());
        assertThat(unknown.service()).isEqualTo("teleport");
        assertThat(unknown.data().get("status").asText()).isEqualTo("erro");
        assertThat(unknown.data().get("description").asText()).contains("unknown service");

        byte[] wrongType = cluster.codec().encode("publish", java.util.Map.of("user", java.util.Map.of("a", 1),
                "channel", "dev", "message", "x"), new Stamp(Instant.now(), 1));
        Envelope typed = cluster.codec().decode(client.requestRaw(wrongType));
        assertThat(typed.data().get("status").asText()).isEqualTo("erro");
        assertThat(typed.data().get("message").asText()).contains("user");

        assertThat(client.publish("ana", "dev", "still serving").isOk()).isTrue();
        assertThat(client.publish("ana", "nowhere", "x").message()).contains("unknown channel");
        assertThat(client.message("ana", "nobody", "x").message()).contains("unknown user");
    }

    @Test
    @Order(5)
    void aRetriedWriteIsAppliedOnce() {
        client.createChannel("retries");
        Requests.Publish publish = new Requests.Publish("ana", "retries", "only once", "fixed-id-42");
        Replies.Ack first = client.call(Service.PUBLISH, publish, Replies.Ack.class);
        Replies.Ack retry = client.call(Service.PUBLISH, publish, Replies.Ack.class);
        assertThat(first.isOk()).isTrue();
        assertThat(retry.isOk()).isTrue();
        assertThat(client.channelHistory("retries", null, null).messages()).hasSize(1);

        Requests.Channel channel = new Requests.Channel("once-only", "fixed-id-43");
        assertThat(client.call(Service.CHANNEL, channel, Replies.Status.class).ok()).isTrue();
        assertThat(client.call(Service.CHANNEL, channel, Replies.Status.class).ok()).isTrue();
        assertThat(client.createChannel("once-only").ok()).isFalse();
    }

    @Test
    @Order(6)
    void aRestartKeepsUsersChannelsAndMessages() throws Exception {
        List<String> users = client.users();
        List<String> channels = client.channels();
        List<HistoryEntry> history = client.channelHistory("history", null, null).messages();

        cluster.server("server-1").stop();
        cluster.startServer("server-1", SINGLE);

        assertThat(client.users()).isEqualTo(users);
        assertThat(client.channels()).isEqualTo(channels);
        assertThat(client.channelHistory("history", null, null).messages()).isEqualTo(history);
        // a retried id from before the restart is still recognised
        Requests.Publish publish = new Requests.Publish("ana", "retries", "only once", "fixed-id-42");
        assertThat(client.call(Service.PUBLISH, publish, Replies.Ack.class).isOk()).isTrue();
        assertThat(client.channelHistory("retries", null, null).messages()).hasSize(1);
        // new entries continue the order
        client.publish("ana", "history", "after restart");
        List<HistoryEntry> after = client.channelHistory("history", null, null).messages();
        assertThat(after.get(after.size() - 1).clock()).isGreaterThan(history.get(history.size() - 1).clock());
    }

    private static List<String> texts(List<Publication> publications) {
        return publications.stream().map(p -> p.envelope().data().get("message").asText()).toList();
    }
}
