package io.zchat.shared.zmq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZmqLoopWakeupTest {

    /** A loop whose poll waits 60 s for input that never comes. */
    private static final class IdleLoop extends ZmqLoop {
        private volatile Thread loopThread;

        IdleLoop() {
            super("idle-loop", ZmqSettings.defaults().withPollTimeout(Duration.ofSeconds(60)));
        }

        @Override
        protected void open() {
            loopThread = Thread.currentThread();
            whenReadable(socket(SocketType.PULL), () -> { });
        }
    }

    @Test
    void aCommandWakesAPollThatWouldWaitForItsTimeout() throws InterruptedException {
        IdleLoop loop = new IdleLoop();
        loop.start();
        try {
            // the poll is waiting by now, for up to 60 s
            Thread.sleep(200);
            for (int round = 0; round < 3; round++) {
                CountDownLatch ran = new CountDownLatch(1);
                Thread[] on = new Thread[1];
                loop.execute(() -> {
                    on[0] = Thread.currentThread();
                    ran.countDown();
                });
                assertThat(ran.await(10, TimeUnit.SECONDS)).as("round %d", round).isTrue();
                assertThat(on[0].getName()).isEqualTo("idle-loop");
            }
        } finally {
            loop.stop();
        }
    }

    @Test
    void manySignalsBeforeOnePollRunEveryCommand() throws InterruptedException {
        IdleLoop loop = new IdleLoop();
        loop.start();
        try {
            CountDownLatch ran = new CountDownLatch(1000);
            Thread[] senders = new Thread[4];
            for (int t = 0; t < senders.length; t++) {
                senders[t] = new Thread(() -> {
                    for (int i = 0; i < 250; i++) {
                        loop.execute(ran::countDown);
                    }
                });
                senders[t].start();
            }
            for (Thread sender : senders) {
                sender.join(10_000);
            }
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            loop.stop();
        }
    }

    @Test
    void aStopWakesTheWaitingPollSoTheLoopHasEndedWhenStopReturns() throws InterruptedException {
        IdleLoop loop = new IdleLoop();
        loop.start();
        Thread.sleep(200);
        loop.stop();
        // without the wake-up the join would give up after 10 s with the thread still waiting
        assertThat(loop.loopThread.isAlive()).isFalse();
        assertThat(loop.failure()).isNull();
    }
}
