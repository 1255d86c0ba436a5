package io.zchat.shared.zmq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class RelayTest {
    private static final byte[] CLIENT = "client-1".getBytes(StandardCharsets.UTF_8);

    /** As the broker relays replies: from the servers' side to a ROUTER that must know the route. */
    @Test
    void messagesWithAnUnknownRouteOrNoneAreDroppedAndCountedAndTheRestGoThrough() throws Exception {
        try (ZContext context = new ZContext()) {
            ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
            router.setRouterMandatory(true);
            router.bind("inproc://front");
            ZMQ.Socket client = context.createSocket(SocketType.DEALER);
            client.setIdentity(CLIENT);
            client.connect("inproc://front");
            client.send("hello");
            assertThat(router.recv()).isEqualTo(CLIENT);
            router.recv();

            ZMQ.Socket in = context.createSocket(SocketType.PAIR);
            in.bind("inproc://replies");
            ZMQ.Socket servers = context.createSocket(SocketType.PAIR);
            servers.connect("inproc://replies");
            servers.sendMore("nobody".getBytes(StandardCharsets.UTF_8));
            servers.send("lost");
            servers.send("no route at all");
            servers.sendMore(CLIENT);
            servers.send("answer");
            Thread.sleep(50);

            Relay.Moved moved = Relay.forward(in, router, 10, null);

            assertThat(moved.dropped()).isEqualTo(2);
            assertThat(moved.forwarded()).isEqualTo(1);
            client.setReceiveTimeOut(2_000);
            assertThat(client.recvStr()).isEqualTo("answer");
        }
    }
}
