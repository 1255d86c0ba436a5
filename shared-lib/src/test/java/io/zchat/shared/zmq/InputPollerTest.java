package io.zchat.shared.zmq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class InputPollerTest {

    @Test
    void reportsOnlyTheSocketsWithInput() {
        try (ZContext context = new ZContext()) {
            ZMQ.Socket[] first = pair(context, "first");
            ZMQ.Socket[] second = pair(context, "second");
            try (InputPoller poller = new InputPoller(context)) {
                assertThat(poller.register(first[1])).isZero();
                assertThat(poller.register(second[1])).isEqualTo(1);

                second[0].send("hello");

                assertThat(poller.poll(2_000)).isEqualTo(1);
                assertThat(poller.readable(0)).isFalse();
                assertThat(poller.readable(1)).isTrue();
                assertThat(second[1].recvStr()).isEqualTo("hello");
                assertThat(poller.poll(0)).as("nothing left").isZero();
            }
        }
    }

    @Test
    void waitsForInputThatArrivesLaterAndGivesUpAtTheTimeout() throws Exception {
        try (ZContext context = new ZContext()) {
            ZMQ.Socket[] sockets = pair(context, "later");
            try (InputPoller poller = new InputPoller(context)) {
                poller.register(sockets[1]);
                long start = System.nanoTime();
                assertThat(poller.poll(50)).isZero();
                assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));

                ZMQ.Socket late = context.createSocket(SocketType.PAIR);
                late.bind("inproc://later-2");
                poller.register(late);
                // a socket belongs to one thread: the sender gets its own
                CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                    try (ZMQ.Socket sender = context.createSocket(SocketType.PAIR)) {
                        sender.connect("inproc://later-2");
                        sleep(100);
                        sender.send("late");
                    }
                });

                assertThat(poller.poll(5_000)).isEqualTo(1);
                assertThat(poller.readable(1)).isTrue();
                assertThat(late.recvStr()).isEqualTo("late");
                sent.get(5, TimeUnit.SECONDS);
            }
        }
    }

    private static ZMQ.Socket[] pair(ZContext context, String name) {
        ZMQ.Socket in = context.createSocket(SocketType.PAIR);
        in.bind("inproc://" + name);
        ZMQ.Socket out = context.createSocket(SocketType.PAIR);
        out.connect("inproc://" + name);
        return new ZMQ.Socket[] {out, in};
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
