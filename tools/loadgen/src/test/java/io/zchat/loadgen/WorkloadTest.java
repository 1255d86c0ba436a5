package io.zchat.loadgen;

import io.zchat.shared.clock.Clocks;
import io.zchat.shared.clock.LamportClock;
import io.zchat.shared.clock.PhysicalClock;
import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.zmq.curve.CurveSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkloadTest {
    private final WireCodec codec = new WireCodec();

    private static LoadProperties properties(double publish, double message, double history) {
        return new LoadProperties("tcp://b", "tcp://p", 8, 2, 32, 0, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 100, publish, message, history, 4, 16, 1, List.of(), Path.of("r.json"), CurveSettings.off());
    }

    @Test
    void theMixIsDrawnInItsShares() {
        Workload workload = new Workload(properties(0.5, 0.25, 0.25), codec, clocks(), 1, "t-");
        Map<Kind, Integer> drawn = new EnumMap<>(Kind.class);
        for (int i = 0; i < 20_000; i++) {
            drawn.merge(workload.nextKind(), 1, Integer::sum);
        }
        assertThat(drawn.get(Kind.PUBLISH)).isBetween(9_500, 10_500);
        assertThat(drawn.get(Kind.MESSAGE)).isBetween(4_600, 5_400);
        assertThat(drawn.get(Kind.HISTORY)).isBetween(4_600, 5_400);
    }

    @Test
    void aPostIsAContractRequestOfTheSizeAskedCarryingItsSendTime() throws Exception {
        Workload workload = new Workload(properties(1, 0, 0), codec, clocks(), 1, "t-");
        Envelope request = codec.decode(workload.encode(Kind.PUBLISH, 123_456_789L));
        assertThat(request.service()).isEqualTo("publish");
        String text = request.data().path("message").asText();
        assertThat(text).hasSize(100);
        assertThat(Workload.sentNanos(text)).isEqualTo(123_456_789L);
        assertThat(request.data().path("channel").asText()).startsWith("lg-");
        assertThat(request.data().path("id").asText()).isEqualTo("t-1");
        assertThat(codec.decode(workload.encode(Kind.PUBLISH, 1)).data().path("id").asText()).isEqualTo("t-2");
    }

    @Test
    void textThisToolDidNotWriteHasNoSendTime() {
        assertThat(Workload.sentNanos("hello")).isEqualTo(-1);
        assertThat(Workload.sentNanos("lg:abc:x")).isEqualTo(-1);
        assertThat(Workload.sentNanos(null)).isEqualTo(-1);
    }

    @Test
    void settingsThatCannotRunAreRefused() {
        assertThatThrownBy(() -> properties(0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyRequestsDueInTheWindowCount() {
        RunClock clock = new RunClock(0, 100, 200);
        assertThat(clock.measured(99)).isFalse();
        assertThat(clock.measured(100)).isTrue();
        assertThat(clock.measured(199)).isTrue();
        assertThat(clock.measured(200)).isFalse();
    }

    @Test
    void lagIsFirstReadBeforeTheWindowSoThatTheReadingSettles() {
        long second = 1_000_000_000L;
        assertThat(new RunClock(0, 60 * second, 90 * second).lagReadAt()).isEqualTo(57 * second);
        assertThat(new RunClock(0, 2 * second, 12 * second).lagReadAt()).isEqualTo(second);
        assertThat(new RunClock(0, 0, 10 * second).lagReadAt()).isZero();
    }

    @Test
    void theWorstServersLagIsReadFromPrometheusText() {
        String text = """
                # HELP chat_replication_lag_milliseconds lag
                chat_replication_lag_milliseconds{node="server-2"} 3.0
                chat_replication_lag_milliseconds{node="server-3"} 17.5
                chat_replication_lag_entries{node="server-3"} 4.0
                """;
        assertThat(LagReader.gauge(text, "chat_replication_lag_milliseconds").getAsDouble()).isEqualTo(17.5);
        assertThat(LagReader.gauge(text, "chat_replication_lag_entries").getAsDouble()).isEqualTo(4.0);
        assertThat(LagReader.gauge(text, "chat_missing")).isEmpty();
    }

    private static Clocks clocks() {
        return new Clocks(new LamportClock(), PhysicalClock.system());
    }
}
