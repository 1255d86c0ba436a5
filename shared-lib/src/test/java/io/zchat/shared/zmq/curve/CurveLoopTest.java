package io.zchat.shared.zmq.curve;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zchat.shared.client.LazyPirate;
import io.zchat.shared.client.RequestFailedException;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.clock.LamportClock;
import io.zchat.shared.clock.PhysicalClock;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.zmq.ZmqLoop;
import io.zchat.shared.zmq.ZmqSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A loop listening with CURVE on loopback, and clients with and without an admitted key. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CurveLoopTest {
    private static final int ANSWERED_WITHIN_MS = 5_000;
    /** Several handshake intervals: a refused peer retries, and none of its tries may get through. */
    private static final int REFUSED_FOR_MS = 1_500;

    private final ZMQ.Curve.KeyPair cluster = CurveKeys.generate();
    private final ZMQ.Curve.KeyPair ana = CurveKeys.generate();
    private final ZMQ.Curve.KeyPair stranger = CurveKeys.generate();
    private final ZmqSettings plain = ZmqSettings.defaults();
    private final ZmqSettings clusterNode = plain.withCurve(
            CurveSettings.on(cluster.secretKey, cluster.publicKey, List.of(ana.publicKey)));
    private final List<EchoLoop> loops = new ArrayList<>();
    private final ZContext clients = new ZContext();

    @AfterEach
    void stop() {
        clients.close();
        loops.forEach(EchoLoop::stop);
    }

    @Test
    void clientLinksAnswerTheClusterAndListedClientsOnly() {
        EchoLoop echo = start(clusterNode, Access.CLIENTS);

        assertThat(ask(echo, client(ana))).isEqualTo("ping");
        assertThat(ask(echo, client(cluster))).isEqualTo("ping");
        assertThat(askRefused(echo, client(stranger))).isNull();
        assertThat(askRefused(echo, plain)).isNull();
        assertThat(echo.authDenied()).isPositive();
    }

    @Test
    void clusterLinksRefuseEvenAListedClientKey() {
        EchoLoop echo = start(clusterNode, Access.CLUSTER);

        assertThat(ask(echo, client(cluster))).isEqualTo("ping");
        assertThat(askRefused(echo, client(ana))).isNull();
        assertThat(echo.authDenied()).isPositive();
    }

    @Test
    void aClientThatExpectsAnotherServerKeyGetsNoAnswer() {
        EchoLoop echo = start(clusterNode, Access.CLIENTS);
        ZmqSettings wrongServer = plain.withCurve(CurveSettings.on(ana.secretKey, stranger.publicKey, List.of()));

        assertThat(askRefused(echo, wrongServer)).isNull();
    }

    @Test
    void aLazyPirateWhoseHandshakesAllFailGivesUpInTime() throws Exception {
        EchoLoop echo = start(clusterNode, Access.CLIENTS);
        ZmqSettings wrongServer = plain.withCurve(CurveSettings.on(ana.secretKey, stranger.publicKey, List.of()));
        try (LazyPirate pirate = new LazyPirate(clients, echo.endpoint, "echo", new WireCodec(),
                new Clocks(new LamportClock(), PhysicalClock.system()), new MessageLog(false), wrongServer)) {
            Thread.sleep(300); // let the first handshake fail, so no connection is left to queue on
            long started = System.nanoTime();
            assertThatThrownBy(() -> pirate.request("users", new Requests.Empty(), Duration.ofMillis(500), 2))
                    .isInstanceOf(RequestFailedException.class).hasMessageContaining("after 3 attempt(s)");
            // 3 attempts of at most 500 ms to send and 500 ms to wait, with room for a slow machine
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
        }
    }

    @Test
    void withoutCurveEverythingStaysPlain() {
        EchoLoop echo = start(plain, Access.CLUSTER);

        assertThat(ask(echo, plain)).isEqualTo("ping");
        assertThat(echo.authDenied()).isZero();
    }

    @Test
    void aNodeWithoutTheClusterKeyPairCannotListen() {
        EchoLoop echo = new EchoLoop(plain.withCurve(CurveSettings.on(ana.secretKey, cluster.publicKey, List.of())),
                Access.CLIENTS);
        loops.add(echo);
        assertThatThrownBy(echo::start).hasMessageContaining("secret-key must be the cluster's");
    }

    private ZmqSettings client(ZMQ.Curve.KeyPair pair) {
        return plain.withCurve(CurveSettings.on(pair.secretKey, cluster.publicKey, List.of()));
    }

    private EchoLoop start(ZmqSettings settings, Access access) {
        EchoLoop echo = new EchoLoop(settings, access);
        loops.add(echo);
        echo.start();
        return echo;
    }

    private String ask(EchoLoop echo, ZmqSettings settings) {
        return request(echo, settings, ANSWERED_WITHIN_MS);
    }

    private String askRefused(EchoLoop echo, ZmqSettings settings) {
        return request(echo, settings, REFUSED_FOR_MS);
    }

    /**
     * One request on a fresh REQ socket; the answer, or null when none came in time. The send is
     * bounded too: once a refused handshake has dropped the connection, a REQ has nothing to queue
     * on, and an unbounded send would wait for ever.
     */
    private String request(EchoLoop echo, ZmqSettings settings, int waitMs) {
        ZMQ.Socket req = settings.configure(clients.createSocket(SocketType.REQ));
        req.setSendTimeOut(waitMs);
        try (ZMQ.Poller poller = clients.createPoller(1)) {
            req.connect(echo.endpoint);
            poller.register(req, ZMQ.Poller.POLLIN);
            if (!req.send("ping")) {
                return null;
            }
            if (poller.poll(waitMs) > 0 && poller.pollin(0)) {
                return new String(req.recv(), StandardCharsets.UTF_8);
            }
            return null;
        } finally {
            clients.destroySocket(req);
        }
    }

    /** A REP socket that sends back what it gets, bound through {@link ZmqLoop#listen}. */
    private static final class EchoLoop extends ZmqLoop {
        private final Access access;
        private volatile String endpoint;

        EchoLoop(ZmqSettings zmq, Access access) {
            super("echo-" + access, zmq);
            this.access = access;
        }

        @Override
        protected void open() {
            ZMQ.Socket rep = socket(SocketType.REP);
            listen(rep, "tcp://127.0.0.1:*", access, ZmqLoop.closedConnections(new SimpleMeterRegistry(), "echo"));
            endpoint = rep.getLastEndpoint();
            whenReadable(rep, () -> {
                byte[] request;
                while ((request = rep.recv(ZMQ.DONTWAIT)) != null) {
                    rep.send(request);
                }
            });
        }
    }
}
