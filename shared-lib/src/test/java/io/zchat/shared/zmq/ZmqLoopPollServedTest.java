package io.zchat.shared.zmq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ZmqLoopPollServedTest {

    /** Two inputs, each with a message waiting before the first poll; records what runs, in order. */
    private static final class TwoInputs extends ZmqLoop {
        private final List<String> events = new ArrayList<>();
        private final CountDownLatch served = new CountDownLatch(1);
        private volatile List<String> firstRound;

        TwoInputs() {
            super("two-inputs", ZmqSettings.defaults());
        }

        @Override
        protected void open() {
            ZMQ.Socket a = input("inproc://a");
            ZMQ.Socket b = input("inproc://b");
            whenReadable(a, () -> take(a, "a"));
            whenReadable(b, () -> take(b, "b"));
        }

        private ZMQ.Socket input(String endpoint) {
            ZMQ.Socket in = socket(SocketType.PULL);
            in.bind(endpoint);
            ZMQ.Socket out = socket(SocketType.PUSH);
            out.connect(endpoint);
            out.send("waiting");
            return in;
        }

        private void take(ZMQ.Socket socket, String name) {
            while (socket.recvStr(ZMQ.DONTWAIT) != null) {
                events.add(name);
            }
        }

        @Override
        protected void onPollServed() {
            events.add("served");
            if (firstRound == null) {
                firstRound = List.copyOf(events);
                served.countDown();
            }
        }
    }

    @Test
    void whatOnePollFindsOnSeveralSocketsIsFinishedOnceAfterAllOfThem() throws InterruptedException {
        TwoInputs loop = new TwoInputs();
        loop.start();
        try {
            assertThat(loop.served.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(loop.firstRound).containsExactly("a", "b", "served");
        } finally {
            loop.stop();
        }
    }
}
