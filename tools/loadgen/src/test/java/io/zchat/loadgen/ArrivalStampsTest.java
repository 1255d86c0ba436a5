package io.zchat.loadgen;

import io.zchat.shared.zmq.InputPoller;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ArrivalStampsTest {
    private static final long READ_LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /** Two sockets over loopback TCP; {@code stamped} sets {@link ArrivalStamps} on the connecting one. */
    private record Pair(ZMQ.Socket bound, ZMQ.Socket connected) {
        static Pair of(ZContext context, SocketType bound, SocketType connected, boolean stamped) {
            ZMQ.Socket server = context.createSocket(bound);
            server.setLinger(0);
            int port = server.bindToRandomPort("tcp://127.0.0.1");
            ZMQ.Socket client = context.createSocket(connected);
            client.setLinger(0);
            if (stamped) {
                ArrivalStamps.stamp(client);
            }
            client.connect("tcp://127.0.0.1:" + port);
            return new Pair(server, client);
        }
    }

    private static void awaitReadable(ZContext context, ZMQ.Socket socket) {
        try (InputPoller poller = new InputPoller(context)) {
            poller.register(socket);
            assertThat(poller.poll(5_000)).isEqualTo(1);
        }
    }

    @Test
    void aReplyReadLateKeepsWhenItArrived() throws InterruptedException {
        try (ZContext context = new ZContext(1)) {
            Pair pair = Pair.of(context, SocketType.ROUTER, SocketType.DEALER, true);
            ZMQ.Socket router = pair.bound();
            ZMQ.Socket dealer = pair.connected();

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
            awaitReadable(context, dealer);
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
            Pair pair = Pair.of(context, SocketType.PULL, SocketType.PUSH, false);
            pair.connected().send("x");
            awaitReadable(context, pair.bound());

            long before = System.nanoTime();
            ArrivalStamps.Received received = ArrivalStamps.receive(pair.bound());

            assertThat(received.frames()).hasSize(1);
            assertThat(received.arrivedNanos()).isBetween(before, System.nanoTime());
        }
    }
}
