package zmq.io;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The patched {@code outEvent} stops polling for output as soon as a write leaves nothing to send.
 * What it must never do is stop while bytes are left (a write the socket's buffer cut short) or
 * while messages wait: the connection would then stall until something else is sent. Each case
 * here ends with the receiver waiting for the last message, so a lost output stalls it.
 */
@Timeout(60)
class StreamEngineOutputTest {
    private static final int TIMEOUT_MS = 5_000;

    private final ZContext context = new ZContext();

    @AfterEach
    void close() {
        context.close();
    }

    @Test
    void messagesSentOneAtATimeAfterIdleSpellsAllArrive() throws Exception {
        ZMQ.Socket[] pair = connectedPair(0);
        for (int i = 0; i < 200; i++) {
            assertThat(pair[0].send(message(i, 16), 0)).isTrue();
            assertThat(pair[1].recv(0)).as("message %d", i).isEqualTo(message(i, 16));
            if (i % 50 == 0) {
                Thread.sleep(20);
            }
        }
    }

    @Test
    void writesCutShortBySmallSocketBuffersAreFinished() {
        // 256 KB messages through 4 KB socket buffers: nearly every write is partial, so output
        // must stay polled until each message is out, in order, then stop until the next send
        ZMQ.Socket[] pair = connectedPair(4096);
        for (int round = 0; round < 20; round++) {
            int first = round * 3;
            for (int i = first; i < first + 3; i++) {
                assertThat(pair[0].send(message(i, 256 * 1024), 0)).isTrue();
            }
            for (int i = first; i < first + 3; i++) {
                assertThat(pair[1].recv(0)).as("message %d", i).isEqualTo(message(i, 256 * 1024));
            }
            assertThat(pair[0].send(message(-round, 8), 0)).isTrue();
            assertThat(pair[1].recv(0)).as("the small message after round %d", round).isEqualTo(message(-round, 8));
        }
    }

    @Test
    void aBurstLargerThanOneBatchArrivesWhole() {
        // several 8 KB batches in one go: the engine writes one batch per event and must keep going
        ZMQ.Socket[] pair = connectedPair(0);
        for (int i = 0; i < 2_000; i++) {
            assertThat(pair[0].send(message(i, 100), 0)).isTrue();
        }
        for (int i = 0; i < 2_000; i++) {
            assertThat(pair[1].recv(0)).as("message %d", i).isEqualTo(message(i, 100));
        }
    }

    /** A sender and a receiver over loopback TCP, with the given socket buffer sizes (0: the system's). */
    private ZMQ.Socket[] connectedPair(int socketBuffer) {
        ZMQ.Socket receiver = context.createSocket(SocketType.PULL);
        ZMQ.Socket sender = context.createSocket(SocketType.PUSH);
        receiver.setLinger(0);
        sender.setLinger(0);
        if (socketBuffer > 0) {
            sender.setSendBufferSize(socketBuffer);
            receiver.setReceiveBufferSize(socketBuffer);
        }
        // a stalled connection fails the test instead of blocking it
        receiver.setReceiveTimeOut(TIMEOUT_MS);
        sender.setSendTimeOut(TIMEOUT_MS);
        int port = receiver.bindToRandomPort("tcp://127.0.0.1");
        sender.connect("tcp://127.0.0.1:" + port);
        return new ZMQ.Socket[]{sender, receiver};
    }

    private static byte[] message(int number, int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) number);
        bytes[0] = (byte) (number >> 8);
        return bytes;
    }
}
