package io.zchat.shared.zmq;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.zeromq.ZMQ;

import java.time.Duration;

/**
 * ZeroMQ settings shared by every role.
 *
 * @param maxMessageSize larger frames are dropped by ZeroMQ, which closes that connection
 * @param pollTimeout    how long a loop waits for input before it runs its timers and sees a stop
 * @param sendHighWater  queued outgoing messages per peer before ZeroMQ drops (PUB) or blocks
 * @param handshakeInterval a connection whose greeting has not completed by then is dropped and
 *                       made again: now and then a JeroMQ handshake stalls, and the default of
 *                       30 s would leave a subscriber deaf or a request unanswered that long
 */
@ConfigurationProperties("chat.zmq")
public record ZmqSettings(
        @DefaultValue("1MB") DataSize maxMessageSize,
        @DefaultValue("100ms") Duration pollTimeout,
        @DefaultValue("100000") int sendHighWater,
        @DefaultValue("1s") Duration handshakeInterval) {

    public static ZmqSettings defaults() {
        return new ZmqSettings(DataSize.ofMegabytes(1), Duration.ofMillis(100), 100_000, Duration.ofSeconds(1));
    }

    /** The same options on every socket of every role: linger 0, size limit, high-water marks, handshake bound. */
    public ZMQ.Socket configure(ZMQ.Socket socket) {
        socket.setLinger(0);
        socket.setMaxMsgSize(maxMessageSize.toBytes());
        socket.setSndHWM(sendHighWater);
        socket.setRcvHWM(sendHighWater);
        socket.setHandshakeIvl((int) handshakeInterval.toMillis());
        return socket;
    }
}
