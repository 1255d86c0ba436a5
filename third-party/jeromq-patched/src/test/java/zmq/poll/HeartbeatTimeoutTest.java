package zmq.poll;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ZeroMQ socket with heartbeats must drop a peer that has gone silent, also after the peer
 * answered an earlier ping (which cancels that ping's timeout timer). Upstream, a cancelled timer
 * shadowed every later one of the same kind, so such a peer was pinged forever and never dropped.
 * The silent peer here is a plain TCP socket speaking just enough ZMTP 3.0.
 */
class HeartbeatTimeoutTest {
    private static final int PING_EVERY_MS = 100;
    private static final int TIMEOUT_MS = 500;
    private static final int WAIT_FOR_DROP_MS = 5_000;

    private final ZContext context = new ZContext();

    @AfterEach
    void close() {
        context.close();
    }

    @Test
    void aPeerSilentAfterAnsweringOnePingIsDropped() throws IOException {
        ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
        dealer.setLinger(0);
        dealer.setHeartbeatIvl(PING_EVERY_MS);
        dealer.setHeartbeatTimeout(TIMEOUT_MS);
        dealer.bind("tcp://127.0.0.1:*");
        int port = Integer.parseInt(dealer.getLastEndpoint().replaceAll(".*:", ""));

        try (Socket peer = new Socket("127.0.0.1", port)) {
            peer.setSoTimeout(WAIT_FOR_DROP_MS);
            DataInputStream in = new DataInputStream(peer.getInputStream());
            OutputStream out = peer.getOutputStream();
            handshake(in, out);

            byte[] ping = readCommand(in);
            assertThat(name(ping)).isEqualTo("PING");
            // PONG carries the ping's context: the bytes after its name and 2-byte TTL
            out.write(command("PONG", Arrays.copyOfRange(ping, 5 + 2, ping.length)));
            out.flush();

            long silentSince = System.nanoTime();
            int pingsUnanswered = 0;
            boolean dropped = false;
            try {
                while (System.nanoTime() - silentSince < WAIT_FOR_DROP_MS * 1_000_000L) {
                    byte[] next = readCommand(in);
                    if (next == null) {
                        dropped = true;
                        break;
                    }
                    pingsUnanswered++;
                }
            } catch (SocketTimeoutException e) {
                // neither pings nor a close: not dropped
            }
            long silentMs = (System.nanoTime() - silentSince) / 1_000_000;
            assertThat(dropped).as("dropped after %d unanswered pings, %d ms of silence", pingsUnanswered, silentMs)
                    .isTrue();
            assertThat(silentMs).isLessThan(WAIT_FOR_DROP_MS);
        }
    }

    /** ZMTP 3.0, NULL mechanism, as a DEALER: greeting both ways, then READY both ways. */
    private static void handshake(DataInputStream in, OutputStream out) throws IOException {
        byte[] greeting = new byte[64];
        greeting[0] = (byte) 0xFF;
        greeting[9] = 0x7F;
        greeting[10] = 3;
        byte[] mechanism = "NULL".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(mechanism, 0, greeting, 12, mechanism.length);
        out.write(greeting);
        out.flush();
        in.readFully(new byte[64]);

        ByteArrayOutputStream ready = new ByteArrayOutputStream();
        byte[] property = "Socket-Type".getBytes(StandardCharsets.US_ASCII);
        byte[] type = "DEALER".getBytes(StandardCharsets.US_ASCII);
        ready.write(property.length);
        ready.write(property);
        ready.write(new byte[] {0, 0, 0, (byte) type.length});
        ready.write(type);
        out.write(command("READY", ready.toByteArray()));
        out.flush();
        assertThat(name(readCommand(in))).isEqualTo("READY");
    }

    private static byte[] command(String name, byte[] data) {
        byte[] body = new byte[1 + name.length() + data.length];
        body[0] = (byte) name.length();
        System.arraycopy(name.getBytes(StandardCharsets.US_ASCII), 0, body, 1, name.length());
        System.arraycopy(data, 0, body, 1 + name.length(), data.length);
        byte[] frame = new byte[2 + body.length];
        frame[0] = 0x04; // a short command frame
        frame[1] = (byte) body.length;
        System.arraycopy(body, 0, frame, 2, body.length);
        return frame;
    }

    /** The next frame's body, or null at the end of the stream (the other side closed). */
    private static byte[] readCommand(DataInputStream in) throws IOException {
        int flags = in.read();
        if (flags < 0) {
            return null;
        }
        long size = (flags & 0x02) != 0 ? in.readLong() : in.readUnsignedByte();
        byte[] body = new byte[(int) size];
        in.readFully(body);
        return body;
    }

    private static String name(byte[] command) {
        return new String(command, 1, command[0], StandardCharsets.US_ASCII);
    }
}
