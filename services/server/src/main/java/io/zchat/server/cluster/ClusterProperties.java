package io.zchat.server.cluster;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How a server finds and talks to ref and to the other servers.
 *
 * @param peer      this server's server-to-server endpoint: bound on {@code port}, advertised as
 *                  {@code tcp://host:port}
 * @param ref       the reference service
 * @param heartbeat beats to ref every {@code interval}; ref drops a server silent for {@code timeout}
 * @param clock     Berkeley rounds: every {@code syncEvery} client requests and every
 *                  {@code syncInterval}; offsets further than {@code outlier} from the median are
 *                  left out of the average, and so are samples whose round trip exceeds {@code maxRoundTrip}
 * @param election  how long to wait for a peer's answer (election, coordinator checks, clock polls)
 */
@ConfigurationProperties("chat")
public record ClusterProperties(@DefaultValue Peer peer, @DefaultValue Ref ref, @DefaultValue Heartbeat heartbeat,
                                @DefaultValue Clock clock, @DefaultValue Election election) {

    public record Peer(@DefaultValue("7001") int port, @DefaultValue("localhost") String host) {
        public String address() {
            return "tcp://" + host + ":" + port;
        }
    }

    public record Ref(@DefaultValue("tcp://localhost:6000") String endpoint) {
    }

    public record Heartbeat(@DefaultValue("1s") Duration interval, @DefaultValue("3s") Duration timeout) {
    }

    public record Clock(@DefaultValue("10") int syncEvery, @DefaultValue("5s") Duration syncInterval,
                        @DefaultValue("5s") Duration outlier, @DefaultValue("200ms") Duration maxRoundTrip) {
    }

    public record Election(@DefaultValue("500ms") Duration timeout) {
    }
}
