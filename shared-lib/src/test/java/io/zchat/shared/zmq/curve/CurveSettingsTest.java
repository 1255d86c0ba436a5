package io.zchat.shared.zmq.curve;

import io.zchat.shared.zmq.ZmqSettings;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CurveSettingsTest {
    private final ZMQ.Curve.KeyPair cluster = CurveKeys.generate();
    private final ZMQ.Curve.KeyPair ana = CurveKeys.generate();
    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Bound.class);

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ZmqSettings.class)
    static class Bound {
    }

    @Test
    void offByDefaultWithNothingToSet() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ZmqSettings.class).curve().enabled()).isFalse();
        });
    }

    @Test
    void keysBindFromPropertiesAndThePublicKeyIsDerived() {
        runner.withPropertyValues("chat.zmq.curve.enabled=true", "chat.zmq.curve.secret-key=" + ana.secretKey,
                "chat.zmq.curve.server-key=" + cluster.publicKey,
                "chat.zmq.curve.allowed-clients=" + ana.publicKey + "," + cluster.publicKey).run(context -> {
                    CurveSettings curve = context.getBean(ZmqSettings.class).curve();
                    assertThat(curve.publicKey()).isEqualTo(ana.publicKey);
                    assertThat(curve.allowedClients()).containsExactly(ana.publicKey, cluster.publicKey);
                    assertThat(curve.holdsClusterKey()).isFalse();
                });
    }

    @Test
    void anEmptyAllowListIsNoKeyAtAll() {
        runner.withPropertyValues("chat.zmq.curve.enabled=true", "chat.zmq.curve.secret-key=" + cluster.secretKey,
                "chat.zmq.curve.server-key=" + cluster.publicKey, "chat.zmq.curve.allowed-clients=")
                .run(context -> assertThat(context.getBean(ZmqSettings.class).curve().allowedClients()).isEmpty());
    }

    @Test
    void startUpFailsWithTheNameOfAMissingOrBrokenKey() {
        assertStartFails("chat.zmq.curve.secret-key is not set", "chat.zmq.curve.enabled=true",
                "chat.zmq.curve.server-key=" + cluster.publicKey);
        assertStartFails("chat.zmq.curve.server-key is not set", "chat.zmq.curve.enabled=true",
                "chat.zmq.curve.secret-key=" + ana.secretKey);
        assertStartFails("chat.zmq.curve.server-key is not a CURVE key", "chat.zmq.curve.enabled=true",
                "chat.zmq.curve.secret-key=" + ana.secretKey, "chat.zmq.curve.server-key=short");
        assertStartFails("chat.zmq.curve.allowed-clients[1] is not a CURVE key", "chat.zmq.curve.enabled=true",
                "chat.zmq.curve.secret-key=" + ana.secretKey, "chat.zmq.curve.server-key=" + cluster.publicKey,
                "chat.zmq.curve.allowed-clients=" + ana.publicKey + ",nonsense");
        assertStartFails("chat.zmq.curve.public-key does not belong to chat.zmq.curve.secret-key",
                "chat.zmq.curve.enabled=true", "chat.zmq.curve.secret-key=" + ana.secretKey,
                "chat.zmq.curve.public-key=" + cluster.publicKey, "chat.zmq.curve.server-key=" + cluster.publicKey);
    }

    @Test
    void keysAreNotCheckedWhileCurveIsOff() {
        runner.withPropertyValues("chat.zmq.curve.secret-key=nonsense").run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void theSecretKeyNeverShowsInText() {
        CurveSettings curve = CurveSettings.on(cluster.secretKey, cluster.publicKey, List.of(ana.publicKey));
        assertThat(curve.toString()).doesNotContain(cluster.secretKey).contains(cluster.publicKey);
    }

    @Test
    void onlyTheClusterKeyPairMayListen() {
        CurveSettings client = CurveSettings.on(ana.secretKey, cluster.publicKey, List.of());
        try (ZContext context = new ZContext()) {
            ZMQ.Socket socket = context.createSocket(SocketType.REP);
            assertThatThrownBy(() -> client.applyServer(socket, Access.CLUSTER))
                    .hasMessageContaining("secret-key must be the cluster's");
            CurveSettings.on(cluster.secretKey, cluster.publicKey, List.of()).applyServer(socket, Access.CLIENTS);
            assertThat(socket.getCurveServer()).isTrue();
            assertThat(socket.getZapDomain()).isEqualTo(Access.CLIENTS.domain());
        }
    }

    @Test
    void aConnectingSocketBecomesACurveClientOfTheClusterKey() {
        ZmqSettings zmq = ZmqSettings.defaults().withCurve(CurveSettings.on(ana.secretKey, cluster.publicKey, List.of()));
        try (ZContext context = new ZContext()) {
            ZMQ.Socket socket = zmq.configure(context.createSocket(SocketType.REQ));
            assertThat(socket.getCurveServer()).isFalse();
            assertThat(socket.getCurveServerKey()).isEqualTo(ZMQ.Curve.z85Decode(cluster.publicKey));
            assertThat(socket.getCurvePublicKey()).isEqualTo(ZMQ.Curve.z85Decode(ana.publicKey));
            assertThat(socket.getMechanism()).isEqualTo(ZMQ.Socket.Mechanism.CURVE);
        }
    }

    private void assertStartFails(String message, String... properties) {
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootCause(context.getStartupFailure()).getMessage()).contains(message);
        });
    }

    private static Throwable rootCause(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
