package io.zchat.shared.zmq;

import io.zchat.shared.zmq.curve.CurveSettings;
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
 * @param curve          CURVE encryption and authentication of every link (off by default)
 */
@ConfigurationProperties("chat.zmq")
public record ZmqSettings(
        @DefaultValue("1MB") DataSize maxMessageSize,
        @DefaultValue("100ms") Duration pollTimeout,
        @DefaultValue("100000") int sendHighWater,
        @DefaultValue("1s") Duration handshakeInterval,
        @DefaultValue CurveSettings curve) {

    public static ZmqSettings defaults() {
        return new ZmqSettings(DataSize.ofMegabytes(1), Duration.ofMillis(100), 100_000, Duration.ofSeconds(1),
                CurveSettings.off());
    }

    public ZmqSettings withPollTimeout(Duration pollTimeout) {
        return new ZmqSettings(maxMessageSize, pollTimeout, sendHighWater, handshakeInterval, curve);
    }

    public ZmqSettings withCurve(CurveSettings curve) {
        return new ZmqSettings(maxMessageSize, pollTimeout, sendHighWater, handshakeInterval, curve);
    }

    /**
     * The same options on every socket of every role: linger 0, size limit, high-water marks,
     * handshake bound, and with CURVE on, the client side of CURVE (a socket that binds is made a
     * CURVE server by {@link ZmqLoop#listen}; a socket that connects needs nothing more).
     */
    public ZMQ.Socket configure(ZMQ.Socket socket) {
        socket.setLinger(0);
        socket.setMaxMsgSize(maxMessageSize.toBytes());
        socket.setSndHWM(sendHighWater);
        socket.setRcvHWM(sendHighWater);
        socket.setHandshakeIvl((int) handshakeInterval.toMillis());
        curve.applyClient(socket);
        return socket;
    }
}
