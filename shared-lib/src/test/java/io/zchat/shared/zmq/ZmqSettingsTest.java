package io.zchat.shared.zmq;

import io.zchat.shared.zmq.curve.CurveSettings;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ZmqSettingsTest {

    @Test
    void everySocketGetsTheSameBoundsIncludingTheHandshake() {
        ZmqSettings settings = new ZmqSettings(DataSize.ofKilobytes(64), Duration.ofMillis(50), 500,
                Duration.ofMillis(750), CurveSettings.off());
        try (ZContext context = new ZContext()) {
            ZMQ.Socket socket = settings.configure(context.createSocket(SocketType.SUB));
            assertThat(socket.getLinger()).isZero();
            assertThat(socket.getMaxMsgSize()).isEqualTo(64 * 1024);
            assertThat(socket.getSndHWM()).isEqualTo(500);
            assertThat(socket.getRcvHWM()).isEqualTo(500);
            assertThat(socket.getHandshakeIvl()).isEqualTo(750);
        }
    }

    @Test
    void theDefaultHandshakeBoundIsFarBelowZeroMqs30Seconds() {
        assertThat(ZmqSettings.defaults().handshakeInterval()).isEqualTo(Duration.ofSeconds(1));
    }
}
