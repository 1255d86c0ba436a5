package io.zchat.loadgen;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ArrivalStampsTest {
    private static final long READ_LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    @Test
    void aReplyReadLateKeepsWhenItArrived() throws InterruptedException {
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
            router.setLinger(0);
            int port = router.bindToRandomPort("tcp://127.0.0.1");
            ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
            dealer.setLinger(0);
            ArrivalStamps.stamp(dealer);
            dealer.connect("tcp://127.0.0.1:" + port);

            long sent = System.nanoTime();
            dealer.sendMore(new byte[] {7});
            dealer.sendMore(new byte[0]);
            dealer.send("ping");
            List<byte[]> request = List.of(router.recv(), router.recv(), router.recv(), router.recv());
            router.sendMore(request.get(0));
            router.sendMore(request.get(1));
            router.sendMore(request.get(2));
            router.send("pong");

            // the reply is decoded by the I/O thread long before the worker reads it
            ZMQ.Poller poller = context.createPoller(1);
            poller.register(dealer, ZMQ.Poller.POLLIN);
            assertThat(poller.poll(5_000)).isEqualTo(1);
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(READ_LATE_NANOS));
            long read = System.nanoTime();
            ArrivalStamps.Received reply = ArrivalStamps.receive(dealer);

            assertThat(reply).isNotNull();
            assertThat(reply.frames()).hasSize(3);
            assertThat(reply.frames().get(0)).containsExactly(7);
            assertThat(reply.frames().get(1)).isEmpty();
            assertThat(new String(reply.frames().get(2))).isEqualTo("pong");
            assertThat(reply.arrivedNanos()).isBetween(sent, read - READ_LATE_NANOS);
            assertThat(ArrivalStamps.receive(dealer)).isNull();
        }
    }

    @Test
    void framesOfASocketNotStampedCountAsArrivedWhenRead() {
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket pull = context.createSocket(SocketType.PULL);
            pull.setLinger(0);
            int port = pull.bindToRandomPort("tcp://127.0.0.1");
            ZMQ.Socket push = context.createSocket(SocketType.PUSH);
            push.setLinger(0);
            push.connect("tcp://127.0.0.1:" + port);
            push.send("x");
            ZMQ.Poller poller = context.createPoller(1);
            poller.register(pull, ZMQ.Poller.POLLIN);
            assertThat(poller.poll(5_000)).isEqualTo(1);

            long before = System.nanoTime();
            ArrivalStamps.Received received = ArrivalStamps.receive(pull);

            assertThat(received.frames()).hasSize(1);
            assertThat(received.arrivedNanos()).isBetween(before, System.nanoTime());
        }
    }
}
