package io.zchat.loadgen;

import io.zchat.shared.zmq.ZmqSettings;
import io.zchat.shared.zmq.curve.CurveSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One load run.
 *
 * @param broker      the broker's client endpoint
 * @param proxy       the proxy's XPUB endpoint (for delivery latency)
 * @param connections DEALER connections to the broker
 * @param workers     threads sharing the connections
 * @param inFlight    requests each connection keeps outstanding (saturation run, rate 0)
 * @param rate        target requests per second, open loop (0: saturate with {@code inFlight} each)
 * @param warmup      sent and answered but not counted
 * @param duration    the measured part
 * @param timeout     a request unanswered this long counts as a timeout
 * @param messageSize bytes of text per post or direct message
 * @param publish     share of publish requests
 * @param message     share of direct messages
 * @param history     share of history reads
 * @param channels    channels the posts spread over
 * @param users       users the writes come from and go to
 * @param subscribers subscribers to every channel, measuring publish → delivery
 * @param metrics     servers' Prometheus endpoints, read for replication lag as the measured part
 *                    starts and after it ends
 * @param output      the JSON report
 * @param curve       CURVE on the generator's links, as {@code chat.zmq.curve} on a client: its own
 *                    secret key (on the broker's and proxy's allow-lists) and the cluster's server key
 */
@ConfigurationProperties("loadgen")
public record LoadProperties(
        @DefaultValue("tcp://localhost:5555") String broker,
        @DefaultValue("tcp://localhost:5558") String proxy,
        @DefaultValue("8") int connections,
        @DefaultValue("2") int workers,
        @DefaultValue("32") int inFlight,
        @DefaultValue("0") int rate,
        @DefaultValue("3s") Duration warmup,
        @DefaultValue("10s") Duration duration,
        @DefaultValue("5s") Duration timeout,
        @DefaultValue("100") int messageSize,
        @DefaultValue("1.0") double publish,
        @DefaultValue("0.0") double message,
        @DefaultValue("0.0") double history,
        @DefaultValue("4") int channels,
        @DefaultValue("16") int users,
        @DefaultValue("1") int subscribers,
        @DefaultValue List<String> metrics,
        @DefaultValue("loadgen-report.json") Path output,
        @DefaultValue CurveSettings curve) {

    public LoadProperties {
        if (connections < 1 || workers < 1 || workers > connections || inFlight < 1 || rate < 0) {
            throw new IllegalArgumentException("need connections >= workers >= 1, in-flight >= 1, rate >= 0");
        }
        if (publish < 0 || message < 0 || history < 0 || publish + message + history <= 0) {
            throw new IllegalArgumentException("the mix (publish, message, history) needs a positive share");
        }
        if (channels < 1 || users < 2 || messageSize < 24) {
            throw new IllegalArgumentException("need channels >= 1, users >= 2, message-size >= 24");
        }
    }

    public boolean openLoop() {
        return rate > 0;
    }

    /** The shared socket settings, with no high-water mark: the generator must not drop what it measures. */
    public ZmqSettings zmq() {
        return new ZmqSettings(DataSize.ofMegabytes(1), Duration.ofMillis(10), 0, Duration.ofSeconds(1), curve);
    }
}
