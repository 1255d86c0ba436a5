package io.zchat.shared.zmq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(20)
class OverflowCountingPublisherTest {
    private static final byte[] TOPIC = "general".getBytes(StandardCharsets.UTF_8);
    private static final int HIGH_WATER = 10;

    @Test
    void aStalledSubscriberLosesPublicationsWhileTheOthersGetEveryOne() throws Exception {
        try (ZContext context = new ZContext()) {
            ZMQ.Socket pub = bounded(context.createSocket(SocketType.PUB));
            pub.bind("inproc://publications");
            ZMQ.Socket reading = subscriber(context);
            ZMQ.Socket stalled = subscriber(context);
            AtomicInteger overflows = new AtomicInteger();
            OverflowCountingPublisher publisher = new OverflowCountingPublisher(pub, overflows::incrementAndGet);
            awaitSubscribed(publisher, reading, stalled);

            int sent = 1_000;
            int lost = 0;
            int received = 0;
            for (int i = 0; i < sent; i++) {
                if (!publisher.send(TOPIC, ("post " + i).getBytes(StandardCharsets.UTF_8))) {
                    lost++;
                }
                received += drain(reading, i);
            }

            assertThat(received).as("the reading subscriber gets every publication, in order").isEqualTo(sent);
            assertThat(overflows.get()).isPositive().isEqualTo(lost);
            assertThat(drain(stalled, -1)).as("the stalled one holds no more than its queues")
                    .isLessThanOrEqualTo(2 * HIGH_WATER + 2);
        }
    }

    @Test
    void withoutSlowSubscribersNothingIsCounted() throws Exception {
        try (ZContext context = new ZContext()) {
            ZMQ.Socket pub = bounded(context.createSocket(SocketType.PUB));
            pub.bind("inproc://fast");
            ZMQ.Socket reading = bounded(context.createSocket(SocketType.SUB));
            reading.connect("inproc://fast");
            reading.subscribe(TOPIC);
            AtomicInteger overflows = new AtomicInteger();
            OverflowCountingPublisher publisher = new OverflowCountingPublisher(pub, overflows::incrementAndGet);
            awaitSubscribed(publisher, reading);
            for (int i = 0; i < 500; i++) {
                assertThat(publisher.send(TOPIC, ("post " + i).getBytes(StandardCharsets.UTF_8))).isTrue();
                assertThat(drain(reading, i)).isEqualTo(1);
            }
            assertThat(overflows.get()).isZero();
        }
    }

    private static ZMQ.Socket bounded(ZMQ.Socket socket) {
        socket.setLinger(0);
        socket.setSndHWM(HIGH_WATER);
        socket.setRcvHWM(HIGH_WATER);
        return socket;
    }

    private static ZMQ.Socket subscriber(ZContext context) {
        ZMQ.Socket sub = bounded(context.createSocket(SocketType.SUB));
        sub.connect("inproc://publications");
        sub.subscribe(TOPIC);
        return sub;
    }

    /** Probes (a topic the subscription's prefix matches) until every subscription has reached the publisher. */
    private static void awaitSubscribed(OverflowCountingPublisher publisher, ZMQ.Socket... subscribers)
            throws InterruptedException {
        for (ZMQ.Socket sub : subscribers) {
            sub.setReceiveTimeOut(10);
        }
        byte[] probe = "general-probe".getBytes(StandardCharsets.UTF_8);
        boolean[] seen = new boolean[subscribers.length];
        for (int attempt = 0; attempt < 200; attempt++) {
            publisher.send(probe, new byte[0]);
            boolean all = true;
            for (int s = 0; s < subscribers.length; s++) {
                while (subscribers[s].recv(ZMQ.DONTWAIT) != null) {
                    seen[s] = true;
                }
                all &= seen[s];
            }
            if (all) {
                Thread.sleep(50);
                for (ZMQ.Socket sub : subscribers) {
                    while (sub.recv(ZMQ.DONTWAIT) != null) {
                        // probes still queued
                    }
                }
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("subscriptions did not arrive");
    }

    /** Takes what is queued; checks each body follows the last (when {@code upTo} >= 0); returns the count. */
    private static int drain(ZMQ.Socket sub, int upTo) {
        int count = 0;
        byte[] topic;
        while ((topic = sub.recv(ZMQ.DONTWAIT)) != null) {
            assertThat(sub.hasReceiveMore()).isTrue();
            byte[] body = sub.recv();
            if (new String(topic, StandardCharsets.UTF_8).equals("general")) {
                count++;
            }
            if (upTo >= 0) {
                assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("post " + upTo);
            }
        }
        return count;
    }
}
